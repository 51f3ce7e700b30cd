"""The engine against the baselines on the held-out part of the v2 set (a regression gate)."""

from __future__ import annotations

import pytest

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
