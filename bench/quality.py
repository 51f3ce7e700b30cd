"""Ranking quality on the labelled evaluation sets: NDCG@5, hit@1 and MRR of the engine and
of three baselines, on the held-out part and the tuning part of the v2 set separately (see
tests/scoring/evalset_v2/README.md), then the old small set as a smoke test.

    /work/main/.venv/bin/python bench/quality.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matchmaker.scoring.concepts import ConceptLexicon  # noqa: E402
from tests.scoring import evalset, evalset_v2  # noqa: E402
from tests.scoring.evalset_v2 import compare  # noqa: E402
from tests.scoring.refdata import shipped_reference  # noqa: E402

THIN = ConceptLexicon.shipped().thinned(0.5, seed=1)
RUNS = {
    "engine (default: char n-grams + concepts, gated)": {},
    "engine, char n-grams + jieba + concepts, gated": {"tokens": "both"},
    "lexicon with half its synonyms dropped, gated": {"concepts": THIN},
    "ablation: char n-grams only, gated": {"concepts": False},
    "ablation: char n-grams + jieba, gated": {"concepts": False, "tokens": "both"},
    "ablation: concepts, no gates": {"gated": False},
    "ablation: before (char n-grams, no gates)": {"concepts": False, "gated": False},
}


def main() -> None:
    ref = shipped_reference()
    data = evalset_v2.load()
    n_parts = {p: int((data.split == p).sum()) for p in compare.PARTS}
    print(f"v2 set: {len(data.needs)} needs ({n_parts}), {len(data.offers)} offers")
    started = time.perf_counter()
    results = compare.table(ref, data, RUNS)
    head = "".join(f"{p + ' ' + m:>16}" for p in compare.PARTS for m in ("NDCG@5", "hit@1", "MRR"))
    print(f"{'scorer':<52}{head}")
    for label, parts in results.items():
        cells = "".join(f"{parts[p][m]:>16.3f}" for p in compare.PARTS
                        for m in ("ndcg@5", "hit@1", "mrr"))
        print(f"{label:<52}{cells}")
    print(f"({time.perf_counter() - started:.1f} s)")
    small = evalset.load()
    for label, weights in (("old small set: engine", None), ("old small set: sector only",
                                                            {"sector": 1.0})):
        result = evalset.evaluate(ref, weights, small)
        print(f"{label:<52}{result['ndcg@5']:>16.3f}{result['hit@1']:>16.3f}")


if __name__ == "__main__":
    main()
