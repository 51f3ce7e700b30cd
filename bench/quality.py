"""Ranking quality on the labelled evaluation set (tests/scoring/evalset): NDCG@5 and hit@1
of the engine against a sector-only and a text-only baseline.

    .venv/bin/python bench/quality.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.scoring import evalset  # noqa: E402
from tests.scoring.refdata import shipped_reference  # noqa: E402

RUNS = [
    ("engine (default weights, char n-grams)", None, {}),
    ("engine, jieba words", None, {"tokens": "jieba"}),
    ("engine, char n-grams + jieba", None, {"tokens": "both"}),
    ("sector only", {"sector": 1.0}, {}),
    ("text only", {"text": 1.0}, {}),
    ("sector only, no region filter", {"sector": 1.0}, {"widen": True}),
    ("text only, no region filter", {"text": 1.0}, {"widen": True}),
]


def main() -> None:
    ref = shipped_reference()
    data = evalset.load()
    print(f"evaluation set: {len(data.needs)} needs, {len(data.offers)} offers, "
          f"{sum(len(g) for g in data.grades)} graded pairs")
    print(f"{'scorer':<42}{'NDCG@5':>8}{'hit@1':>8}")
    for label, weights, params in RUNS:
        result = evalset.evaluate(ref, weights, data, **params)
        print(f"{label:<42}{result['ndcg@5']:>8.3f}{result['hit@1']:>8.3f}")


if __name__ == "__main__":
    main()
