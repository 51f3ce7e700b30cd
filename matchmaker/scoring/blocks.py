"""Block helpers of the ranking loop: budget in few passes, exclusions, row-wise top k."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .factors import OVERSIZE_PENALTY, OVERSIZE_RATIO


class BudgetBlock:
    """Adds ``weight`` × budget factor to blocks of one group's offers, in few passes.

    For ratio = remaining / uncommitted the factor is ``min(ratio, max(a - b·ratio, 1 - c))``
    with the over-size penalty c reached at ``OVERSIZE_RATIO`` (same as ``budget_factor``).
    """

    def __init__(self, remaining: np.ndarray, weight: float) -> None:
        self.remaining = np.maximum(remaining, 0).astype(np.float32) * np.float32(weight)
        self.weight = weight
        self.slope = OVERSIZE_PENALTY / (OVERSIZE_RATIO - 1.0)
        self.floor = weight * (1.0 - OVERSIZE_PENALTY)

    def add_to(self, block: np.ndarray, uncommitted: np.ndarray, ratio: np.ndarray,
               capped: np.ndarray) -> None:
        """Add to ``block`` (n × m); ``ratio`` and ``capped`` are scratch of the same shape."""
        if self.weight <= 0:
            return
        inv = np.divide(1.0, uncommitted, out=np.zeros(uncommitted.shape),
                        where=uncommitted > 0).astype(np.float32)
        np.multiply(inv[:, None], self.remaining[None, :], out=ratio)  # weight × ratio
        np.multiply(ratio, np.float32(-self.slope), out=capped)
        capped += np.float32(self.weight * (1.0 + self.slope))
        np.maximum(capped, np.float32(self.floor), out=capped)
        np.minimum(ratio, capped, out=ratio)
        block += ratio


def ban(block: np.ndarray, banned: sparse.coo_matrix, pos: np.ndarray) -> None:
    """Set excluded pairs (``banned`` rows × offer columns, mapped by ``pos``) to -inf."""
    local = pos[banned.col]
    keep = local >= 0
    block[banned.row[keep], local[keep]] = -np.inf


def exclusions(need_ids: np.ndarray, offer_ids: np.ndarray,
               exclude: tuple[np.ndarray, np.ndarray] | None) -> sparse.csr_matrix | None:
    """Excluded (need id, offer id) pairs as a bool (n_needs × n_offers) matrix of positions;
    None when there are none."""
    if exclude is None or len(exclude[0]) == 0:
        return None
    need_pos = {int(v): i for i, v in enumerate(need_ids)}
    offer_pos = {int(v): i for i, v in enumerate(offer_ids)}
    pairs = [(need_pos[a], offer_pos[b]) for a, b in zip(*exclude, strict=True)
             if int(a) in need_pos and int(b) in offer_pos]
    if not pairs:
        return None
    rows, cols = zip(*pairs, strict=True)
    return sparse.csr_matrix((np.ones(len(rows), bool), (rows, cols)),
                             shape=(len(need_ids), len(offer_ids)))


#: Columns sampled to find a safe per-row threshold before selecting the top k.
SAMPLE_COLUMNS = 1024


def top_k_columns(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of each row's ``k`` largest finite entries, best first.

    The k-th largest value of the first ``SAMPLE_COLUMNS`` columns is a threshold no row's
    top k can fall below; only entries above it are sorted (far fewer than the block).
    """
    n, width = block.shape
    if n == 0 or width == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    sample = max(SAMPLE_COLUMNS, k)
    if k < width and sample < width:
        threshold = np.partition(block[:, :sample], sample - k, axis=1)[:, sample - k]
        rows, cols = np.divmod(np.flatnonzero(block >= threshold[:, None]), width)
    else:
        rows, cols = np.divmod(np.arange(block.size), width)
    values = block[rows, cols]
    finite = np.isfinite(values)
    rows, cols, values = rows[finite], cols[finite], values[finite]
    # Rows come sorted from nonzero; one float key orders each row by value, best first.
    key = rows + (1.0 - np.clip(values, 0.0, 1.0).astype(np.float64)) * 0.5
    order = np.argsort(key, kind="stable")
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(n))
    keep = np.arange(rows.size) - starts[rows] < k
    return rows[keep], cols[keep]
