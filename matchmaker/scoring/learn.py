"""Learning factor weights from coordinators' decisions (confirmed vs rejected pairs)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import FACTORS

MIN_DECISIONS = 30


@dataclass
class LearnResult:
    """Learned weights beside the defaults, each with cross-validated accuracy."""

    weights: dict[str, float]
    default_weights: dict[str, float]
    accuracy: float
    default_accuracy: float
    n_decisions: int
    n_folds: int

    @property
    def adopted(self) -> bool:
        """Use the learned weights only if they beat the defaults on held-out decisions."""
        return self.accuracy > self.default_accuracy


def _normalised(coef: np.ndarray) -> np.ndarray | None:
    positive = np.clip(coef, 0.0, None)
    return positive / positive.sum() if positive.sum() > 0 else None


def _best_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    """The cut on the weighted score that classifies the training decisions best (midway
    between neighbouring scores, so held-out decisions near the edge fall on the right side)."""
    values = np.unique(scores)
    cuts = np.concatenate([[values[0] - 1.0], (values[:-1] + values[1:]) / 2, [values[-1] + 1.0]])
    accuracy = [((scores >= c) == y).mean() for c in cuts]
    return float(cuts[int(np.argmax(accuracy))])


def _held_out_accuracy(weights: np.ndarray, X: np.ndarray, y: np.ndarray,
                       train: np.ndarray, test: np.ndarray) -> float:
    cut = _best_threshold(X[train] @ weights, y[train])
    return float(((X[test] @ weights >= cut) == y[test]).mean())


def _fit(X: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    from sklearn.linear_model import LogisticRegression  # imported when learning, not at import

    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(X, y)
    return _normalised(model.coef_[0])


def learn_weights(X: np.ndarray, y: np.ndarray, default_weights: np.ndarray,
                  n_folds: int = 5, random_state: int = 0) -> LearnResult:
    """Fit a logistic regression on factor vectors and compare it with the defaults.

    Both weightings are scored the same way: the weighted sum with a cut chosen on the
    training folds, judged on the held-out fold.

    Parameters
    ----------
    X : ndarray of shape (n_decisions, n_factors)
        Factor values in ``FACTORS`` order.
    y : ndarray of shape (n_decisions,)
        1 for confirmed, 0 for rejected.
    default_weights : ndarray of shape (n_factors,)
    n_folds : int, default 5
        Reduced to the smaller class's size when that is less.

    Raises
    ------
    ValueError
        Fewer than ``MIN_DECISIONS`` decisions, or only one kind of decision.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=bool)
    minority = int(min(y.sum(), (~y).sum()))
    if len(y) < MIN_DECISIONS:
        raise ValueError(f"需要至少 {MIN_DECISIONS} 条协调员决定（现有 {len(y)} 条）")
    if minority < 2:
        raise ValueError("确认和否决的决定都至少需要 2 条")
    from sklearn.model_selection import StratifiedKFold

    folds = min(n_folds, minority)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=random_state)
    learned_acc, default_acc = [], []
    for train, test in splitter.split(X, y):
        weights = _fit(X[train], y[train])
        learned_acc.append(0.0 if weights is None
                           else _held_out_accuracy(weights, X, y, train, test))
        default_acc.append(_held_out_accuracy(default_weights, X, y, train, test))
    final = _fit(X, y)
    learned = default_weights if final is None else final
    return LearnResult(
        weights={f: round(float(v), 4) for f, v in zip(FACTORS, learned, strict=True)},
        default_weights={f: float(v) for f, v in zip(FACTORS, default_weights, strict=True)},
        accuracy=float(np.mean(learned_acc)) if final is not None else 0.0,
        default_accuracy=float(np.mean(default_acc)),
        n_decisions=len(y),
        n_folds=folds,
    )
