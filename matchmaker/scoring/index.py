"""Which pairs a match index keeps: each need's best offers and each offer's best needs.

Works on a fitted :class:`~matchmaker.scoring.engine.MatchScorer`, block by block over the
needs so no all-pairs matrix is held. Used for a full build (both sides' top ``k``) and
for incremental refreshes, where ``floor`` arrays say what score a pair must beat to enter
the other side's existing list.
"""

from __future__ import annotations

import numpy as np

from .blocks import exclusions, top_k_columns
from .data import FACTORS, NeedTable
from .engine import MatchScorer
from .factors import REGION_VALUES, SECTOR_VALUES, budget_factor
from .gates import gate_matrix


def _block_scores(scorer: MatchScorer, prep, rows: np.ndarray,
                  banned) -> tuple[np.ndarray, np.ndarray]:
    """Weighted scores of needs ``rows`` × all fitted offers (-inf where filtered out) and
    their text similarities."""
    w = dict(zip(FACTORS, scorer.weights_.astype(np.float32), strict=True))
    text = np.clip(prep.vectors[rows] @ scorer.offer_vectors_.T, 0.0, 1.0)
    sector_level = scorer.sector_levels_[prep.sector_row[rows]]
    region_level = scorer.region_levels_[prep.region_row[rows]]
    uncommitted = prep.uncommitted[rows][:, None]
    remaining = scorer.offers_.remaining_yuan[None, :]
    score = text * w["text"]
    score += w["sector"] * SECTOR_VALUES[sector_level]
    score += w["region"] * REGION_VALUES[region_level]
    score += w["budget"] * budget_factor(uncommitted, remaining)
    if scorer.gated:  # the same gates as the engine's ranking, so the same pairs are kept
        score *= gate_matrix(sector_level, region_level, uncommitted, remaining)
    score = score.astype(np.float32)
    allowed = scorer.candidate_[prep.region_row[rows]] & (prep.uncommitted[rows] > 0)[:, None]
    score[~allowed] = -np.inf
    if banned is not None:
        part = banned[rows].tocoo()
        score[part.row, part.col] = -np.inf
    return score, text


def select_pairs(scorer: MatchScorer, needs: NeedTable, *, need_k: int = 0, offer_k: int = 0,
                 exclude: tuple[np.ndarray, np.ndarray] | None = None,
                 need_floor: np.ndarray | None = None, offer_floor: np.ndarray | None = None,
                 block_elements: int = 2**20,
                 prepared=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(need indices, offer indices, text similarities) of the pairs to keep, each once.

    Parameters
    ----------
    scorer : MatchScorer
        Fitted on the offers (``scorer.offers_``).
    needs : NeedTable
    need_k, offer_k : int
        Keep each need's ``need_k`` best offers and each offer's ``offer_k`` best needs
        (0: none).
    exclude : pair of int arrays (need ids, offer ids), optional
        Pairs never kept (rejected, or already matched).
    need_floor, offer_floor : ndarray of float, optional
        Also keep any pair scoring above its need's (offer's) floor: a new entrant into
        that need's (offer's) existing list. ``-inf`` admits every candidate.
    prepared : optional
        ``needs`` already prepared by the scorer (``MatchScorer._prepare``).
    """
    n_offers = len(scorer.offers_)
    if len(needs) == 0 or n_offers == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0, np.float32)
    prep = prepared if prepared is not None else scorer._prepare(needs)
    banned = exclusions(needs.ids, scorer.offers_.ids, exclude)
    step = max(1, block_elements // n_offers)
    picked_rows, picked_cols, picked_text = [], [], []
    best = np.full((offer_k, n_offers), -np.inf, np.float32) if offer_k else None
    best_row = np.zeros((offer_k, n_offers), np.intp) if offer_k else None
    best_text = np.zeros((offer_k, n_offers), np.float32) if offer_k else None
    for start in range(0, len(needs), step):
        rows = np.arange(start, min(start + step, len(needs)))
        score, text = _block_scores(scorer, prep, rows, banned)
        keep = np.zeros(score.shape, bool)
        if need_k:
            r, c = top_k_columns(score, need_k)
            keep[r, c] = True
        if need_floor is not None:
            keep |= score > need_floor[rows][:, None]
        if offer_floor is not None:
            keep |= score > offer_floor[None, :]
        keep &= np.isfinite(score)
        r, c = np.nonzero(keep)
        picked_rows.append(rows[r])
        picked_cols.append(c)
        picked_text.append(text[r, c])
        if offer_k:  # each offer's best needs so far, with their text similarities
            merged = np.concatenate([best, score])
            top = np.argpartition(-merged, min(offer_k, len(merged)) - 1, axis=0)[:offer_k]
            best = np.take_along_axis(merged, top, axis=0)
            best_row = np.take_along_axis(
                np.concatenate([best_row, np.broadcast_to(rows[:, None], score.shape)]),
                top, axis=0)
            best_text = np.take_along_axis(
                np.concatenate([best_text, text.astype(np.float32)]), top, axis=0)
    rows, cols = np.concatenate(picked_rows), np.concatenate(picked_cols)
    text = np.concatenate(picked_text)
    if offer_k:
        r, c = np.nonzero(np.isfinite(best))
        rows, cols = np.concatenate([rows, best_row[r, c]]), np.concatenate([cols, c])
        text = np.concatenate([text, best_text[r, c]])
    _, first = np.unique(rows.astype(np.int64) * n_offers + cols, return_index=True)
    return rows[first].astype(np.intp), cols[first].astype(np.intp), text[first]
