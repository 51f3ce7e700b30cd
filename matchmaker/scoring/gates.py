"""Multiplicative gates: how a coordinator filters before weighing.

The weighted sum of factors says how good a pair is; the gates say whether it may compete at
all. A wrong-sector pair or a pair whose region is closed is multiplied down so far that it
never outranks a fitting pair; money covering under half of the need costs a share of the
score, so coverage helps without dominating.
"""

from __future__ import annotations

import numpy as np

#: By sector level (0 unrelated, 1 same parent, 2 parent/child, 3 same sector).
SECTOR_GATE = np.array([0.2, 0.6, 1.0, 1.0], dtype=np.float32)
#: By region level (0 nothing in common, 1 open, 2 same recipient province, 3 a neighbouring
#: county, 4 对口支援 province, 5 targets the need's county or prefecture): an offer meant for
#: the need (explicit or paired) ahead of an open one, a neighbour's below both (evalset v3
#: README, region classes). Mild on purpose: on v3's tuning part a wrong project type aimed at
#: the need is graded 0, so a strong region gate lifts it over an open offer of the right type
#: (open gate 0.55: tuning NDCG@5 -0.09; bench/tune_v3.py).
REGION_GATE = np.array([0.2, 0.9, 0.9, 0.7, 1.0, 1.0], dtype=np.float32)
#: Multiplier of a pair whose offer covers under ``BUDGET_GATE_START`` of the need; it rises
#: linearly to 1 at ``BUDGET_GATE_FULL`` coverage.
BUDGET_GATE_FLOOR = 0.5
BUDGET_GATE_START = 0.0
BUDGET_GATE_FULL = 0.5


def _budget_line() -> tuple[float, float]:
    """(slope, intercept) of the gate's ramp against coverage."""
    slope = (1.0 - BUDGET_GATE_FLOOR) / (BUDGET_GATE_FULL - BUDGET_GATE_START)
    return slope, BUDGET_GATE_FLOOR - slope * BUDGET_GATE_START


def budget_gate(uncommitted: np.ndarray, remaining: np.ndarray) -> np.ndarray:
    """``clip(floor + (1 - floor)·(coverage - start) / (full - start), floor, 1)``,
    broadcasting like ``budget_factor``."""
    u = np.asarray(uncommitted, dtype=np.float64)
    inv = np.divide(1.0, u, out=np.zeros(u.shape), where=u > 0)
    slope, intercept = _budget_line()
    cover = (inv * slope) * np.maximum(np.asarray(remaining, dtype=np.float64), 0)
    return np.clip(cover + intercept, BUDGET_GATE_FLOOR, 1.0).astype(np.float32)


def gate_matrix(sector_level: np.ndarray, region_level: np.ndarray, uncommitted: np.ndarray,
                remaining: np.ndarray) -> np.ndarray:
    """Product of the three gates for aligned (broadcastable) arrays."""
    return (SECTOR_GATE[sector_level] * REGION_GATE[region_level]
            * budget_gate(uncommitted, remaining))


class GateBlock:
    """Multiplies blocks of one group's scores by the gates (see ``_rank_group``).

    Parameters
    ----------
    sector_levels, region_levels : ndarray of int8
        The group's (need sectors × offers) and (need regions × offers) levels.
    remaining : ndarray
        The offers' remaining money.
    """

    def __init__(self, sector_levels: np.ndarray, region_levels: np.ndarray,
                 remaining: np.ndarray) -> None:
        self.sector = SECTOR_GATE[sector_levels]
        self.region = REGION_GATE[region_levels]
        slope, self.intercept = _budget_line()
        self.floor = BUDGET_GATE_FLOOR
        self.remaining = (np.maximum(remaining, 0) * slope).astype(np.float32)

    def apply(self, block: np.ndarray, sector_of: np.ndarray, region_of: np.ndarray,
              uncommitted: np.ndarray, scratch: np.ndarray) -> None:
        """``block *= gates`` in place; ``scratch`` has the block's shape."""
        block *= np.take(self.sector, sector_of, axis=0, out=scratch)
        block *= np.take(self.region, region_of, axis=0, out=scratch)
        inv = np.divide(1.0, uncommitted, out=np.zeros(uncommitted.shape),
                        where=uncommitted > 0).astype(np.float32)
        np.multiply(inv[:, None], self.remaining[None, :], out=scratch)
        scratch += np.float32(self.intercept)
        np.clip(scratch, np.float32(self.floor), np.float32(1.0), out=scratch)
        block *= scratch
