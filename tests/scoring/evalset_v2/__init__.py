"""The v2 labelled evaluation set: 340 needs and ~1,860 offers over every sector and every
recipient prefecture and 兵团 division, graded by the rules in README.md, split by need into a
tuning part and a held-out part (see ``generate.py``).

``metrics`` scores a ranking of each need's candidates: NDCG@5, hit@1 and MRR.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matchmaker.scoring import NeedTable, OfferTable
from tests.scoring.evalset import read_tables

HERE = Path(__file__).resolve().parent


@dataclass
class EvalSet:
    needs: NeedTable
    offers: OfferTable
    grades: list[dict[int, int]]  # per need: offer position → grade (0 omitted)
    split: np.ndarray  # per need: "tuning" or "heldout"


def load() -> EvalSet:
    """Both parts; select one with ``split``. Hidden columns (type, kind) are not loaded."""
    needs, offers, grades, need_rows = read_tables(HERE)
    return EvalSet(needs, offers, grades, np.array([r["split"] for r in need_rows]))


def ndcg_at(ranked: list[int], grades: dict[int, int], k: int = 5) -> float:
    gains = [2 ** grades.get(j, 0) - 1 for j in ranked[:k]]
    ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:k]
    discount = 1 / np.log2(np.arange(2, k + 2))
    best = float(np.dot(ideal, discount[:len(ideal)]))
    return float(np.dot(gains, discount[:len(gains)])) / best if best else 0.0


def metrics(score: np.ndarray, candidate: np.ndarray, data: EvalSet, part: str,
            k: int = 5, seed: int = 0) -> dict[str, float]:
    """Mean NDCG@k, hit@1 (best offer graded ≥ 2) and MRR (first offer graded ≥ 2) over the
    needs of ``part``, ranking each need's candidates by ``score``.

    Ties are broken by a fixed random order of the offers, so a scorer that scores many
    offers alike gets no help from the order they are listed in.
    """
    tie = np.random.default_rng(seed).permutation(score.shape[1])
    ndcgs, hits, rr = [], [], []
    for i in np.flatnonzero(data.split == part):
        grades = data.grades[i]
        columns = np.flatnonzero(candidate[i])
        ranked = columns[np.lexsort((tie[columns], -score[i, columns]))].tolist()
        ndcgs.append(ndcg_at(ranked, grades, k))
        good = [r for r, j in enumerate(ranked) if grades.get(j, 0) >= 2]
        hits.append(bool(good) and good[0] == 0)
        rr.append(1.0 / (good[0] + 1) if good else 0.0)
    return {"ndcg@5": float(np.mean(ndcgs)), "hit@1": float(np.mean(hits)),
            "mrr": float(np.mean(rr))}
