"""Ranking quality on the labelled evaluation sets, all in one run:

1. v3 (written blind, tests/scoring/evalset_v3/README.md), tuning and held-out parts: NDCG@5,
   hit@1 and MRR of the engine as the live app builds it, and of the sector-only, text-only
   and hand-weighted baselines (sector × region gates × (0.5 + 0.3·text + 0.2·budget));
2. the same on the held-out part of v2;
3. on v3 held-out, the text variants the engine supports (char n-gram TF-IDF/LSA, jieba words,
   both — ``SCORING_TEXT_TOKENS`` —, with and without the concept lexicon), each as the whole
   engine and as its text factor alone;
4. the old small set as a smoke test.

    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/quality.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matchmaker.scoring.concepts import ConceptLexicon  # noqa: E402
from tests.scoring import evalset, evalset_v2, evalset_v3  # noqa: E402
from tests.scoring.evalset_v3 import compare  # noqa: E402
from tests.scoring.refdata import shipped_reference  # noqa: E402

METRICS = ("ndcg@5", "hit@1", "mrr")
ENGINE = "engine (live: char n-gram LSA, no place names, gated, sub-sector guide)"
VARIANTS = {  # the live concept weight is Config.SCORING_CONCEPT_WEIGHT (0); "+ concepts": 0.7
    "char n-grams, lexicon for reasons only (live)": {},
    "live, without the sub-sector guide": {"guided": False},
    "char n-grams + concepts": {"concept_weight": 0.7},
    "char n-grams + concepts, without the guide": {"concept_weight": 0.7, "guided": False},
    "jieba words + concepts": {"tokens": "jieba", "concept_weight": 0.7},
    "jieba words, no concepts": {"tokens": "jieba"},
    "char + jieba + concepts": {"tokens": "both", "concept_weight": 0.7},
    "char + jieba, no concepts": {"tokens": "both"},
    "char n-grams + half the lexicon's synonyms": {
        "concepts": ConceptLexicon.shipped().thinned(0.5, seed=1), "concept_weight": 0.7},
}


def show(title: str, results: dict, parts: tuple[str, ...]) -> None:
    print(f"\n{title}")
    head = "".join(f"{p[:7] + ' ' + m:>15}" for p in parts for m in METRICS)
    print(f"{'scorer':<58}{head}")
    for label, by_part in results.items():
        cells = "".join(f"{by_part[p][m]:>15.3f}" for p in parts for m in METRICS)
        print(f"{label:<58}{cells}")


def main() -> None:
    started = time.perf_counter()
    ref = shipped_reference()
    v3 = evalset_v3.load()
    parts = ("tuning", "heldout")
    counts = {p: int((v3.split == p).sum()) for p in parts}
    print(f"v3: {len(v3.needs)} needs {counts}, {len(v3.offers)} offers "
          f"({int((~v3.active).sum())} of suspended organisations)")
    results = compare.table(ref, v3, {ENGINE: {}}, parts)
    results.update(compare.baselines(ref, v3, parts))
    show("v3 (blind set): engine and baselines", results, parts)

    v2 = evalset_v2.load()
    results = compare.table(ref, v2, {ENGINE: {}}, ("heldout",))
    results.update(compare.baselines(ref, v2, ("heldout",)))
    show("v2 held-out (lexicon written with it)", results, ("heldout",))

    results = compare.table(ref, v3, VARIANTS, ("heldout",), text_only=True)
    show("v3 held-out: text variants (engine, gated; and the text factor ranked alone)",
         results, ("heldout",))

    small = evalset.load()
    print()
    for label, weights in (("old small set: engine", None),
                           ("old small set: sector only", {"sector": 1.0})):
        result = evalset.evaluate(ref, weights, small)
        print(f"{label:<58}{result['ndcg@5']:>15.3f}{result['hit@1']:>15.3f}")
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
