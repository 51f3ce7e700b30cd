"""The screening benchmark meets its targets: recall ≥ 95 %, false positives ≤ 5 %."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "screening.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_screening", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_screening_benchmark_targets():
    bench = _bench()
    assert len(bench.ILLEGAL) >= 30 and len(bench.LEGITIMATE) >= 30
    result = bench.evaluate()
    assert result["variants"] >= 4 * len(bench.ILLEGAL)
    assert result["recall"] >= 0.95, result["missed"]
    assert result["false_positive_rate"] <= 0.05, result["false_positives"]


def test_the_readme_example_pair():
    bench = _bench()
    flagged = {legal for legal, _listed, _s in bench.evaluate()["false_positives"]}
    assert "中国硬笔书法协会" not in flagged
