"""The engine against a sector-only and a text-only baseline on the labelled set."""

from __future__ import annotations

from . import evalset
from .refdata import shipped_reference


def test_evaluation_set_size():
    data = evalset.load()
    assert len(data.needs) >= 40 and len(data.offers) >= 60
    assert all(any(g == 2 for g in grades.values()) for grades in data.grades)


def test_engine_beats_sector_only_and_text_only():
    ref = shipped_reference()
    data = evalset.load()
    engine = evalset.evaluate(ref, None, data)
    sector = evalset.evaluate(ref, {"sector": 1.0}, data)
    text = evalset.evaluate(ref, {"text": 1.0}, data)
    for baseline in (sector, text):
        assert engine["ndcg@5"] > baseline["ndcg@5"]
        assert engine["hit@1"] >= baseline["hit@1"]
    assert engine["hit@1"] >= 0.9


def test_ndcg_metric():
    grades = {3: 2, 5: 1}
    assert evalset.ndcg_at([3, 5, 1], grades) == 1.0
    assert evalset.ndcg_at([1, 2, 4, 6, 7], grades) == 0.0
    assert 0 < evalset.ndcg_at([5, 3], grades) < 1
