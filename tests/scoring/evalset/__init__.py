"""A labelled evaluation set: 42 needs and 63 offers written like real 清单 rows, and for each
need its good offers graded 2 (what a coordinator would pick) or 1 (acceptable).

``evaluate`` ranks every need's candidates with a scorer and reports NDCG@5 and hit@1.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matchmaker.scoring import MatchScorer, NeedTable, OfferTable, Reference

HERE = Path(__file__).resolve().parent


def _rows(name: str, folder: Path = HERE) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split("、") if v)


@dataclass
class EvalSet:
    needs: NeedTable
    offers: OfferTable
    grades: list[dict[int, int]]  # per need: offer position → grade


def read_tables(folder: Path = HERE) -> tuple[NeedTable, OfferTable, list[dict[int, int]],
                                              list[dict[str, str]]]:
    """The set in ``folder`` (needs.csv, offers.csv): the engine's tables, each need's graded
    offers (offer position → grade) and the need rows (for columns a set adds)."""
    need_rows, offer_rows = _rows("needs.csv", folder), _rows("offers.csv", folder)
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
        grades.append({position[key]: int(grade) for key, grade in pairs})
    return needs, offers, grades, need_rows


def load() -> EvalSet:
    needs, offers, grades, _ = read_tables()
    return EvalSet(needs, offers, grades)


def ndcg_at(ranked: list[int], grades: dict[int, int], k: int = 5) -> float:
    gains = [2 ** grades.get(j, 0) - 1 for j in ranked[:k]]
    ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:k]
    discount = 1 / np.log2(np.arange(2, k + 2))
    best = float(np.dot(ideal, discount[:len(ideal)]))
    return float(np.dot(gains, discount[:len(gains)])) / best if best else 0.0


def evaluate(reference: Reference, weights: dict[str, float], data: EvalSet | None = None,
             k: int = 5, seed: int = 0, **params) -> dict[str, float]:
    """Mean NDCG@k and hit@1 of a scorer with ``weights`` over the set.

    Ties are broken by a fixed random order of the offers, so a baseline that scores many
    offers alike gets no help from the order they are listed in.
    """
    data = data or load()
    scorer = MatchScorer(reference, weights=weights, **params).fit(data.offers, data.needs)
    score, _, candidate = scorer.score_matrix(data.needs)
    tie = np.random.default_rng(seed).permutation(len(data.offers))
    ndcgs, hits = [], []
    for i, grades in enumerate(data.grades):
        columns = np.flatnonzero(candidate[i])
        ranked = columns[np.lexsort((tie[columns], -score[i, columns]))].tolist()
        ndcgs.append(ndcg_at(ranked, grades, k))
        hits.append(bool(ranked) and grades.get(ranked[0], 0) > 0)
    return {"ndcg@5": float(np.mean(ndcgs)), "hit@1": float(np.mean(hits))}
