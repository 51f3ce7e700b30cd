"""The v2 labelled evaluation set: 340 needs and ~1,860 offers over every sector and every
recipient prefecture and 兵团 division, graded by the rules in README.md, split by need into a
tuning part and a held-out part (see ``generate.py``).

``metrics`` scores a ranking of each need's candidates: NDCG@5, hit@1 and MRR.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matchmaker.scoring import NeedTable, OfferTable

HERE = Path(__file__).resolve().parent


def _rows(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split("、") if v)


@dataclass
class EvalSet:
    needs: NeedTable
    offers: OfferTable
    grades: list[dict[int, int]]  # per need: offer position → grade (0 omitted)
    split: np.ndarray  # per need: "tuning" or "heldout"


def load() -> EvalSet:
    """Both parts; select one with ``split``. Hidden columns (type, kind) are not loaded."""
    need_rows, offer_rows = _rows("needs.csv"), _rows("offers.csv")
    position = {r["key"]: i for i, r in enumerate(offer_rows)}
    needs = NeedTable.from_records(
        {"id": i + 1, "title": r["title"], "description": r["description"],
         "sector_code": r["sector_code"], "region_code": r["region_code"],
         "uncommitted_yuan": round(float(r["budget_wan"]) * 10_000)}
        for i, r in enumerate(need_rows))
    offers = OfferTable.from_records(
        {"id": i + 1, "title": r["title"], "description": r["description"],
         "sector_codes": _split(r["sector_codes"]),
         "target_region_codes": _split(r["target_region_codes"]),
         "org_region_code": r["org_region_code"],
         "remaining_yuan": round(float(r["remaining_wan"]) * 10_000)}
        for i, r in enumerate(offer_rows))
    grades = []
    for r in need_rows:
        pairs = (item.split(":") for item in r["good"].split())
        grades.append({position[key]: int(g) for key, g in pairs})
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
