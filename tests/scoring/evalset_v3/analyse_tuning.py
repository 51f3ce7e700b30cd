"""Failures of the live engine on the TUNING part of v3 only, and what the concept lexicon
finds in the tuning part's phrases: the input for lexicon work (README.md, "Split").

It cannot print held-out rows: it selects the tuning needs before anything else, takes no
argument, and reads only the tuning-part phrases of ``phrases.py``::

    PYTHONPATH=$PWD /work/main/.venv/bin/python -m tests.scoring.evalset_v3.analyse_tuning
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from matchmaker.scoring.concepts import ConceptLexicon
from tests.scoring.evalset import _rows
from tests.scoring.evalset_v3 import HERE, compare, load
from tests.scoring.evalset_v3.phrases import TYPES, part_of
from tests.scoring.refdata import shipped_reference

PART = "tuning"


def tuning_phrases() -> dict[str, dict[str, list[str]]]:
    """Per type, the tuning part's need-side and offer-side phrases."""
    out = {}
    for key, t in TYPES.items():
        need = [p for lst in (t.need_titles, t.need_details)
                for i, p in enumerate(lst) if part_of(i) == PART]
        offer = [p for lst in (t.offer_titles, t.offer_details)
                 for i, p in enumerate(lst) if part_of(i) == PART]
        out[key] = {"need": need, "offer": offer}
    return out


def lexicon_report(lexicon: ConceptLexicon) -> None:
    """Types whose tuning need-side and offer-side phrases share no concept."""
    print("\n== tuning phrases: concepts found (need side | offer side) ==")
    missing = 0
    for key, sides in tuning_phrases().items():
        found = {side: set(lexicon.transform([" ".join(texts)]).indices.tolist())
                 for side, texts in sides.items()}
        shared = found["need"] & found["offer"]
        if not shared:
            missing += 1
            names = {side: [lexicon.ids[k] for k in sorted(v)] for side, v in found.items()}
            print(f"{key} ({TYPES[key].sector}): need {names['need']} | offer {names['offer']}")
            print(f"    need:  {' / '.join(sides['need'][:2])}")
            print(f"    offer: {' / '.join(sides['offer'][:2])}")
    print(f"{missing} of {len(TYPES)} types: no shared concept between the two sides")


def failures(data, offer_rows: list[dict[str, str]]) -> None:
    scorer = compare.engine(shipped_reference(), data)
    score, factors, candidate = scorer.score_matrix(data.needs)
    candidate = candidate & data.active[None, :]
    tuning = np.flatnonzero(data.split == PART)  # the only needs this script looks at
    tie = np.random.default_rng(0).permutation(score.shape[1])
    top_kind, misses = Counter(), 0
    print(f"== tuning needs ({len(tuning)}): top-1 not graded >= 2, or a grade-3 offer "
          f"below a lower one in the top 5 ==")
    for i in tuning:
        grades = data.grades[i]
        cols = np.flatnonzero(candidate[i])
        ranked = cols[np.lexsort((tie[cols], -score[i, cols]))]
        top = [grades.get(int(j), 0) for j in ranked[:5]]
        best = max(grades.values())
        if top and top[0] >= 2 and (best < 3 or top[0] == 3):
            continue
        misses += 1
        top_kind[offer_rows[ranked[0]]["kind"]] += 1
        print(f"\n{data.needs.titles[i]} | {data.needs.descriptions[i][:60]}")
        shown = list(ranked[:3])
        first_best = next((int(j) for j in ranked if grades.get(int(j), 0) == best), None)
        if first_best is not None and first_best not in shown:
            shown.append(first_best)
        for j in shown:
            rank = int(np.flatnonzero(ranked == j)[0]) + 1
            f = {k: round(float(factors[k][i, j]), 2) for k in factors}
            print(f"  #{rank} g{grades.get(int(j), 0)} {offer_rows[j]['kind']:<11} "
                  f"{score[i, j]:.3f} {f} {data.offers.titles[j]}")
    print(f"\n{misses} of {len(tuning)} tuning needs shown; kind at top-1 among them: "
          f"{dict(top_kind)}")


def main() -> None:
    data = load()
    offer_rows = _rows("offers.csv", HERE)
    failures(data, offer_rows)
    lexicon_report(ConceptLexicon.shipped())


if __name__ == "__main__":
    main()
