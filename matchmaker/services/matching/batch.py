"""Batch ranking (``flask rank``, the 推荐 sheet): every published need's best offers, as
columns from the engine to the sheet.

No dict or tuple per row: the sheet is columns (:mod:`..sheets.writer_columns`) — the
ranking's index arrays pick ids and titles from the item tables, the reasons are one
joined string per distinct reason list (``explain_codes``), scores become 0–100 points in
one array operation — and each distinct title or reason is rendered once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...scoring import FACTOR_LABELS, FACTORS
from ...scoring.reasons import explain_codes
from ..errors import DomainError

SHEET_TITLE = "推荐"
SHEET_HEADER = ["需求编号", "需求", "供给编号", "供给", "得分（0–100）",
                *(f"{FACTOR_LABELS[f]}（0–100）" for f in FACTORS), "理由"]



@dataclass
class RankTable:
    """The ranked pairs as columns: ``need_index``/``offer_index`` into the tables."""

    needs: object
    offers: object
    need_index: np.ndarray
    offer_index: np.ndarray
    points: np.ndarray  # (n_pairs, 1 + n_factors) int: score then factors, 0–100
    reason_codes: np.ndarray
    reason_texts: list[str]  # one "；"-joined text per distinct list
    seconds: float

    def __len__(self) -> int:
        return len(self.need_index)

    def sheet(self):
        """The 推荐 sheet as columns: ids and titles coded by the pairs' item indexes."""
        from ..sheets.writer_columns import Coded, ColumnTable

        need_index, offer_index = self.need_index, self.offer_index
        return ColumnTable(SHEET_TITLE, SHEET_HEADER, [
            Coded(need_index, self.needs.ids.tolist()), Coded(need_index, self.needs.titles),
            Coded(offer_index, self.offers.ids.tolist()), Coded(offer_index, self.offers.titles),
            self.points, Coded(self.reason_codes, self.reason_texts)])

    def rows(self) -> Iterator[tuple]:
        """Sheet rows as tuples (for tests and small tables; the sheet is written from
        :meth:`sheet`)."""
        need_ids, offer_ids = self.needs.ids.tolist(), self.offers.ids.tolist()
        n_titles, o_titles, texts = self.needs.titles, self.offers.titles, self.reason_texts
        for i, j, points, code in zip(self.need_index.tolist(), self.offer_index.tolist(),
                                      self.points.tolist(), self.reason_codes.tolist(),
                                      strict=True):
            yield (need_ids[i], n_titles[i], offer_ids[j], o_titles[j], *points, texts[code])


def points(values: np.ndarray) -> np.ndarray:
    """0–1 values as shown on screens and sheets: whole 0–100 points (half to even, as
    Python's ``round``)."""
    return np.round(np.asarray(values, dtype=np.float64) * 100).astype(np.int64)


def rank(top_k: int = 20, widen: bool = False) -> RankTable:
    """All published needs against all published offers: each need's ``top_k`` offers,
    scored with the persisted text model (the match index's and the candidate pages'
    scores, pair for pair; fitted and added to the session when there is none yet, so the
    caller commits)."""
    from .ranking import (
        excluded_pairs,
        load_needs,
        load_offers,
        load_reference,
        persisted_scorer,
    )

    started = time.perf_counter()
    needs, offers = load_needs(), load_offers()
    empty = np.zeros(0, np.intp)
    if not (len(needs) and len(offers)):
        return RankTable(needs, offers, empty, empty, np.zeros((0, 1 + len(FACTORS)), int),
                         empty, [], time.perf_counter() - started)
    reference = load_reference()
    scorer = persisted_scorer(reference, widen).fit(offers, needs)
    ranking = scorer.rank(needs, top_k=top_k, exclude=excluded_pairs())
    codes, lists = explain_codes(ranking, needs, offers, reference, scorer.weights_)
    table = np.column_stack([ranking.score, ranking.factors])
    return RankTable(needs, offers, ranking.need_index, ranking.offer_index, points(table),
                     codes, ["；".join(r) for r in lists], time.perf_counter() - started)


def write_sheet(table: RankTable, path: Path) -> None:
    """Write the 推荐 sheet as .xlsx (sheet 推荐) or .csv (UTF-8 with BOM, for Excel),
    column-wise (titles that look like formulas stay text). Raises DomainError when an
    .xlsx sheet would pass Excel's row limit."""
    from ..sheets.writer_columns import XLSX_MAX_ROWS, save_columns

    path = Path(path)
    if path.suffix.lower() != ".csv" and len(table) + 1 > XLSX_MAX_ROWS:
        raise DomainError(f"推荐共 {len(table):,} 条，超过 Excel 工作表的行数上限 "
                          f"{XLSX_MAX_ROWS - 1:,}：请写出 .csv，或减小 --top。")
    save_columns(path, table.sheet())
