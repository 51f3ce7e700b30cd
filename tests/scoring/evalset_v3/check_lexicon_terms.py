"""Check that every concept term added to ``matchmaker/data/concepts.csv`` since an older copy
of it occurs in a TUNING-part text of v3 (the rule of README.md, "Split"); print the ones that
do not (canonical labels are listed apart: they name a concept, not taken from a text)::

    git show 0efdfe5:matchmaker/data/concepts.csv > /tmp/concepts_before.csv
    PYTHONPATH=$PWD /work/main/.venv/bin/python \
        -m tests.scoring.evalset_v3.check_lexicon_terms /tmp/concepts_before.csv
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from matchmaker.scoring.concepts import DATA
from tests.scoring.evalset import _rows
from tests.scoring.evalset_v3 import HERE


def _terms(text: str) -> tuple[set[str], set[str]]:
    synonyms, labels = set(), set()
    for row in csv.DictReader(io.StringIO(text)):
        labels.add(row["canonical"])
        synonyms.update(t for t in row["synonyms"].split(";") if t)
    return synonyms, labels


def main(base: str) -> int:
    old = Path(base).read_text(encoding="utf-8")
    old_synonyms, old_labels = _terms(old)
    synonyms, labels = _terms(DATA.read_text(encoding="utf-8"))
    tuning = "\n".join(r["title"] + r["description"] for name in ("needs.csv", "offers.csv")
                       for r in _rows(name, HERE) if r["split"] == "tuning")
    added = sorted(synonyms - old_synonyms - old_labels)
    missing = [t for t in added if t not in tuning]
    print(f"{len(added)} synonyms added since {base}; not in tuning text: {missing}")
    print(f"new canonical labels: {sorted(labels - old_labels)}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
