"""建议方案: the allocation of money between needs and offers that maximises
Σ score × amount, subject to every offer's remaining money and every need's uncommitted
budget. A transportation linear programme solved exactly (HiGHS dual simplex); its
constraint matrix is totally unimodular, so with integer capacities the optimal vertex is
integral — amounts come out in whole yuan."""

from __future__ import annotations

import numpy as np
from scipy import sparse


def allocate(score: np.ndarray, allowed: np.ndarray, need_capacity: np.ndarray,
             offer_capacity: np.ndarray) -> np.ndarray:
    """Optimal amounts for every (need, offer).

    Parameters
    ----------
    score : ndarray of shape (n_needs, n_offers)
        Pair scores in [0, 1].
    allowed : bool ndarray of the same shape
        Pairs that may receive money (candidates, not rejected, not already matched).
    need_capacity : int ndarray of shape (n_needs,)
        Each need's uncommitted money (yuan).
    offer_capacity : int ndarray of shape (n_offers,)
        Each offer's remaining money (yuan).

    Returns
    -------
    amounts : int64 ndarray of shape (n_needs, n_offers)
        Whole-yuan amounts; zero outside ``allowed``.
    """
    from scipy.optimize import linprog  # a second to import: loaded when first used

    score = np.asarray(score, dtype=float)
    allowed = np.asarray(allowed, dtype=bool) & (score > 0)
    amounts = np.zeros(score.shape, dtype=np.int64)
    rows, cols = np.nonzero(allowed)
    if rows.size == 0:
        return amounts
    n_needs, n_offers = score.shape
    k = np.arange(rows.size)
    a_ub = sparse.vstack([
        sparse.csr_matrix((np.ones(rows.size), (rows, k)), shape=(n_needs, rows.size)),
        sparse.csr_matrix((np.ones(rows.size), (cols, k)), shape=(n_offers, rows.size)),
    ]).tocsr()
    b_ub = np.concatenate([np.maximum(need_capacity, 0), np.maximum(offer_capacity, 0)])
    result = linprog(-score[rows, cols], A_ub=a_ub, b_ub=b_ub.astype(float),
                     bounds=(0, None), method="highs-ds")
    if not result.success:  # pragma: no cover - a bounded feasible LP always solves
        raise RuntimeError(f"allocation failed: {result.message}")
    x = np.rint(result.x).astype(np.int64)
    amounts[rows, cols] = np.maximum(x, 0)
    _repair(amounts, need_capacity, axis=1)
    _repair(amounts, offer_capacity, axis=0)
    return amounts


def _repair(amounts: np.ndarray, capacity: np.ndarray, axis: int) -> None:
    """Trim any rounding excess so no need/offer receives more than its capacity."""
    totals = amounts.sum(axis=axis)
    for index in np.flatnonzero(totals > capacity):
        line = amounts[index] if axis == 1 else amounts[:, index]
        excess = int(totals[index] - capacity[index])
        for j in np.argsort(line):
            take = min(excess, int(line[j]))
            line[j] -= take
            excess -= take
            if excess == 0:
                break


def objective(score: np.ndarray, amounts: np.ndarray) -> float:
    """Σ score × amount of an allocation."""
    return float((np.asarray(score, dtype=float) * amounts).sum())
