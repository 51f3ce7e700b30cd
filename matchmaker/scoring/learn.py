"""Learning to rank from coordinators' decisions.

A decision group is one need's choice: the candidates a coordinator had in front of them,
the offers chosen (relevance 1) and those passed over, rejected (否决) or declined (谢绝)
(relevance 0). Each candidate's features are its factor values times the pair's gate
(``gates.py``): the engine's score is ``gate × (w · factors) = w · (gate × factors)``, so
weights learned on gated factors act inside the gates and a wrong-sector or closed-region
pair stays gated down whatever is learned.

The model is a pairwise logistic regression (scikit-learn, no intercept) on the differences
"chosen minus passed over" within each group; its non-negative coefficients, normalised,
are factor weights the engine uses as they are (a factor the decisions never told apart
keeps its current weight). Groups are split by time: the older ones
train, the newest ones (``test_share``) judge. The learned weights are adopted only when,
on those held-out groups, their NDCG@5 beats the current weights' by ``MIN_GAIN``, their
hit@1 is not lower, and a sign test over the groups (learned better on more groups than
worse) gives p < ``ALPHA`` — so weights learned from noise are not adopted by luck.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .data import FACTORS

#: Decision groups (needs with a choice among several candidates) needed to learn.
MIN_DECISIONS = 20
#: Share of the newest groups held out, and the fewest held out.
TEST_SHARE = 0.3
MIN_TEST = 6
#: Held-out NDCG@5 the learned weights must add to the current weights' to be adopted.
MIN_GAIN = 0.01
#: Significance of the one-sided sign test over held-out groups.
ALPHA = 0.05
NDCG_K = 5


@dataclass
class DecisionGroups:
    """Candidates of decision groups, numbered oldest first.

    Attributes
    ----------
    features : ndarray of shape (n_candidates, n_factors)
        Factor values times the pair's gate, in ``FACTORS`` order.
    group : ndarray of int, shape (n_candidates,)
        Group number; groups are numbered by time, oldest 0.
    relevance : ndarray of shape (n_candidates,)
        1 for a chosen offer, 0 for one passed over, rejected or declined.
    """

    features: np.ndarray
    group: np.ndarray
    relevance: np.ndarray

    def usable(self) -> np.ndarray:
        """Group numbers with at least one chosen and one other candidate, in time order."""
        groups = np.unique(self.group)
        width = int(groups.max(initial=-1)) + 1
        pos = np.bincount(self.group, weights=self.relevance > 0, minlength=width)
        size = np.bincount(self.group, minlength=width)
        return np.array([g for g in groups if 0 < pos[g] < size[g]], dtype=np.int64)


@dataclass
class Figures:
    """Held-out ranking figures of one weighting (means over groups)."""

    ndcg: float
    hit1: float
    mrr: float
    per_group: np.ndarray = field(repr=False)


@dataclass
class LearnResult:
    """What was learned, from how much, and how it compares with the current weights."""

    weights: dict[str, float]
    current_weights: dict[str, float]
    coefficients: dict[str, float]
    learned: Figures
    current: Figures
    n_decisions: int
    n_train: int
    n_test: int
    n_pairs: int
    wins: int
    losses: int
    p_value: float
    adopted: bool
    #: Counts of the decisions behind the groups, by kind (filled by whoever loaded them).
    decisions: dict[str, int] = field(default_factory=dict)

    def details(self) -> dict:
        """Plain JSON figures, as stored with the weight set."""
        return {"decisions": dict(self.decisions),
            "ndcg": round(self.learned.ndcg, 4), "current_ndcg": round(self.current.ndcg, 4),
            "hit1": round(self.learned.hit1, 4), "current_hit1": round(self.current.hit1, 4),
            "mrr": round(self.learned.mrr, 4), "current_mrr": round(self.current.mrr, 4),
            "n_train": self.n_train, "n_test": self.n_test, "n_pairs": self.n_pairs,
            "wins": self.wins, "losses": self.losses, "p_value": round(self.p_value, 4),
            "coefficients": self.coefficients, "current_weights": self.current_weights,
        }


def group_figures(scores: np.ndarray, data: DecisionGroups, groups: np.ndarray,
                  k: int = NDCG_K) -> Figures:
    """NDCG@k, hit@1 and reciprocal rank of the first chosen offer, per group of ``groups``.

    Ties count against the chosen offer (it is placed after candidates with the same score),
    so a weighting that scores everything alike earns nothing."""
    ndcg, hit, rr = [], [], []
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    for g in groups:
        mask = data.group == g
        rel = (data.relevance[mask] > 0).astype(np.float64)
        order = np.lexsort((rel, -scores[mask]))  # by score, the chosen last among ties
        ranked = rel[order]
        ideal = np.sort(rel)[::-1][:k] @ discount[:min(k, len(rel))]
        ndcg.append(float(ranked[:k] @ discount[:min(k, len(rel))] / ideal))
        first = int(np.argmax(ranked > 0))
        hit.append(float(first == 0))
        rr.append(1.0 / (first + 1))
    per = np.array(ndcg)
    return Figures(float(per.mean()), float(np.mean(hit)), float(np.mean(rr)), per)


def _pairs(data: DecisionGroups, groups: np.ndarray) -> np.ndarray:
    """Feature differences chosen − other, for every such pair within each group."""
    out = []
    for g in groups:
        mask = data.group == g
        x, rel = data.features[mask], data.relevance[mask] > 0
        out.append((x[rel][:, None, :] - x[~rel][None, :, :]).reshape(-1, x.shape[1]))
    return np.concatenate(out) if out else np.zeros((0, data.features.shape[1]))


def _fit(diffs: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Pairwise logistic regression; returns (coefficients, weights or None).

    A factor on which no chosen offer ever differed from one passed over tells nothing:
    it keeps its current weight, and the learned coefficients share out the rest."""
    from sklearn.linear_model import LogisticRegression  # imported when learning

    X = np.vstack([diffs, -diffs])
    y = np.concatenate([np.ones(len(diffs)), np.zeros(len(diffs))])
    coef = LogisticRegression(C=1.0, fit_intercept=False, max_iter=1000).fit(X, y).coef_[0]
    told = np.abs(diffs).max(axis=0, initial=0.0) > 1e-6
    positive = np.where(told, np.clip(coef, 0.0, None), 0.0)
    if positive.sum() <= 0:
        return coef, None
    weights = np.where(told, positive / positive.sum() * current[told].sum(), current)
    return coef, weights / weights.sum()


def _sign_test(wins: int, losses: int) -> float:
    """One-sided p-value of ``wins`` or more out of ``wins + losses`` fair coin tosses."""
    from scipy.stats import binom

    n = wins + losses
    return 1.0 if n == 0 else float(binom.sf(wins - 1, n, 0.5))


def learn_to_rank(data: DecisionGroups, current_weights: np.ndarray,
                  test_share: float = TEST_SHARE) -> LearnResult:
    """Learn factor weights from decision groups and judge them on the newest groups.

    Parameters
    ----------
    data : DecisionGroups
    current_weights : ndarray of shape (n_factors,)
        The weights the engine uses now (normalised to sum 1).
    test_share : float
        Share of the newest usable groups held out (at least ``MIN_TEST``).

    Raises
    ------
    ValueError
        Fewer than ``MIN_DECISIONS`` usable groups (with a chosen and a passed-over offer).
    """
    groups = data.usable()
    if len(groups) < MIN_DECISIONS:
        raise ValueError(f"需要至少 {MIN_DECISIONS} 条有确认、也有其他候选的需求决定"
                         f"（现有 {len(groups)} 条）")
    n_test = max(MIN_TEST, int(round(test_share * len(groups))))
    train, test = groups[:-n_test], groups[-n_test:]
    diffs = _pairs(data, train)
    current = np.asarray(current_weights, dtype=np.float64)
    current = current / current.sum()
    coef, learned = _fit(diffs, current)
    now = group_figures(data.features @ current, data, test)
    new = group_figures(data.features @ (current if learned is None else learned), data, test)
    delta = new.per_group - now.per_group
    wins, losses = int((delta > 1e-9).sum()), int((delta < -1e-9).sum())
    p_value = _sign_test(wins, losses)
    adopted = (learned is not None and new.ndcg >= now.ndcg + MIN_GAIN
               and new.hit1 >= now.hit1 and p_value < ALPHA)
    chosen = current if learned is None else learned
    return LearnResult(
        weights={f: round(float(v), 4) for f, v in zip(FACTORS, chosen, strict=True)},
        current_weights={f: round(float(v), 4) for f, v in zip(FACTORS, current, strict=True)},
        coefficients={f: round(float(v), 4) for f, v in zip(FACTORS, coef, strict=True)},
        learned=new, current=now, n_decisions=len(groups), n_train=len(train),
        n_test=len(test), n_pairs=len(diffs), wins=wins, losses=losses, p_value=p_value,
        adopted=bool(adopted))
