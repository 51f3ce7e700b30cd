"""The 建议方案 optimiser against a brute-force optimum on small cases."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matchmaker.scoring.plan import allocate, objective


def brute_force(score, allowed, need_cap, offer_cap) -> float:
    pairs = list(zip(*np.nonzero(allowed), strict=True))
    best = 0.0
    ranges = [range(min(need_cap[i], offer_cap[j]) + 1) for i, j in pairs]
    for values in itertools.product(*ranges):
        x = np.zeros(score.shape, dtype=np.int64)
        for (i, j), v in zip(pairs, values, strict=True):
            x[i, j] = v
        if (x.sum(axis=1) <= need_cap).all() and (x.sum(axis=0) <= offer_cap).all():
            best = max(best, objective(score, x))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_matches_brute_force_on_small_cases(seed):
    rng = np.random.default_rng(seed)
    n_needs, n_offers = rng.integers(1, 4), rng.integers(1, 4)
    score = np.round(rng.random((n_needs, n_offers)), 2)
    allowed = rng.random((n_needs, n_offers)) < 0.7
    if allowed.sum() > 6:  # keep the enumeration small
        allowed[np.unravel_index(np.flatnonzero(allowed)[6:], allowed.shape)] = False
    need_cap = rng.integers(0, 4, n_needs)
    offer_cap = rng.integers(0, 4, n_offers)
    x = allocate(score, allowed, need_cap, offer_cap)
    assert (x >= 0).all() and (x[~allowed] == 0).all()
    assert (x.sum(axis=1) <= need_cap).all() and (x.sum(axis=0) <= offer_cap).all()
    assert objective(score, x) == pytest.approx(brute_force(score, allowed, need_cap,
                                                            offer_cap), abs=1e-9)


def test_greedy_is_not_optimal_but_the_plan_is():
    # Greedy takes the best pair (0.9) first and strands the rest; the optimum splits.
    score = np.array([[0.9, 0.8], [0.85, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    x = allocate(score, allowed, np.array([100, 100]), np.array([100, 100]))
    assert x.tolist() == [[0, 100], [100, 0]]
    assert objective(score, x) == pytest.approx(165.0)


def test_whole_yuan_amounts_at_realistic_scale():
    rng = np.random.default_rng(7)
    score = rng.random((40, 60))
    allowed = rng.random((40, 60)) < 0.3
    need_cap = rng.integers(50_000, 5_000_000, 40)
    offer_cap = rng.integers(50_000, 5_000_000, 60)
    x = allocate(score, allowed, need_cap, offer_cap)
    assert x.dtype == np.int64
    assert (x.sum(axis=1) <= need_cap).all() and (x.sum(axis=0) <= offer_cap).all()


def test_nothing_allowed_gives_nothing():
    x = allocate(np.ones((2, 2)), np.zeros((2, 2), bool), np.array([5, 5]), np.array([5, 5]))
    assert x.sum() == 0
