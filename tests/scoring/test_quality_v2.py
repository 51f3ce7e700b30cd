"""The engine against the baselines on the held-out part of the v2 set (a regression gate)."""

from __future__ import annotations

import pytest

from matchmaker.scoring import MatchScorer

from . import evalset_v2
from .evalset_v2 import compare
from .refdata import shipped_reference

MARGIN = 0.02


@pytest.fixture(scope="module")
def results():
    return compare.table(shipped_reference(), evalset_v2.load(), {"engine": {}})


def test_v2_set_size_and_coverage():
    data = evalset_v2.load()
    assert len(data.needs) >= 300 and len(data.offers) >= 1500
    assert set(data.split) == {"tuning", "heldout"}
    assert all(any(g >= 2 for g in grades.values()) for grades in data.grades)
    assert {c[:2] for c in data.needs.sector_codes} == {f"{i:02d}" for i in range(1, 15)}


def test_engine_beats_every_baseline_on_held_out(results):
    engine = results["engine"]["heldout"]
    for name in ("sector only", "text only", "hand-weighted"):
        baseline = results[name]["heldout"]
        assert engine["ndcg@5"] >= baseline["ndcg@5"] + MARGIN, name
        assert engine["hit@1"] >= baseline["hit@1"], name
        assert engine["mrr"] >= baseline["mrr"], name
    assert engine["ndcg@5"] >= 0.93 and engine["hit@1"] >= 0.9


def test_no_wrong_sector_or_closed_region_pair_outranks_a_fitting_one():
    """Even with the region filter widened, the gates keep every pair whose sector is
    unrelated or whose region is closed below every offer graded ≥ 2, on the whole set."""
    data = evalset_v2.load()
    scorer = MatchScorer(shipped_reference(), widen=True).fit(data.offers, data.needs)
    score, factors, candidate = scorer.score_matrix(data.needs)
    blocked = (factors["sector"] == 0) | (factors["region"] == 0)
    for i, grades in enumerate(data.grades):
        good = [j for j, g in grades.items() if g >= 2]
        assert score[i, blocked[i] & candidate[i]].max(initial=0) < score[i, good].min()
