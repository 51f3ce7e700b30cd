"""Evaluation set v3, written blind (README.md): 350 needs and ~2,240 offers over every sector,
every recipient prefecture of 西藏 and 新疆 and every 兵团 division, graded by written rules,
split by need into a tuning part and a held-out part.

``load`` returns the engine's tables, the grades, the split and the ``active`` mask (offers of
suspended organisations are not candidates, as in ``services/matching/ranking.py``);
``metrics`` scores a ranking: NDCG@5, hit@1, MRR.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matchmaker.scoring import NeedTable, OfferTable
from tests.scoring.evalset import _rows, read_tables
from tests.scoring.evalset_v2 import metrics as _metrics

HERE = Path(__file__).resolve().parent
PARTS = ("tuning", "heldout")


@dataclass
class EvalSet:
    needs: NeedTable
    offers: OfferTable
    grades: list[dict[int, int]]  # per need: offer position → grade (0 omitted)
    split: np.ndarray  # per need: "tuning" or "heldout"
    active: np.ndarray  # per offer: False when its organisation is suspended


def load() -> EvalSet:
    """Both parts; hidden columns (type, kind, for_need) are not loaded into the tables."""
    needs, offers, grades, need_rows = read_tables(HERE)
    active = np.array([r["org_status"] != "suspended" for r in _rows("offers.csv", HERE)])
    return EvalSet(needs, offers, grades, np.array([r["split"] for r in need_rows]), active)


def metrics(score: np.ndarray, candidate: np.ndarray, data: EvalSet, part: str,
            k: int = 5, seed: int = 0) -> dict[str, float]:
    """Mean NDCG@k, hit@1 and MRR over the needs of ``part`` (offers graded ≥ 2 are hits),
    ranking each need's candidates — the scorer's own mask, minus suspended organisations —
    by ``score``; ties broken by a fixed random order."""
    return _metrics(score, candidate & data.active[None, :], data, part, k, seed)
