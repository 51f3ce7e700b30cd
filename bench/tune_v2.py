"""Grid over the engine's concept weight and gates on the TUNING part of the v2 set only
(the held-out part is never read here; bench/quality.py reports it).

    /work/main/.venv/bin/python bench/tune_v2.py
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matchmaker.scoring import gates  # noqa: E402
from tests.scoring import evalset_v2  # noqa: E402
from tests.scoring.evalset_v2 import compare  # noqa: E402
from tests.scoring.refdata import shipped_reference  # noqa: E402

CONCEPT_WEIGHTS = (0.5, 0.6, 0.7, 0.8)
SIBLING_GATES = (0.4, 0.6)
BUDGET_FLOORS = (0.5, 0.6, 0.7)


def main() -> None:
    ref = shipped_reference()
    data = evalset_v2.load()
    sector_gate, floor = gates.SECTOR_GATE.copy(), gates.BUDGET_GATE_FLOOR
    rows = []
    try:
        for cw, sibling, budget in itertools.product(CONCEPT_WEIGHTS, SIBLING_GATES,
                                                      BUDGET_FLOORS):
            gates.SECTOR_GATE[1] = sibling
            gates.BUDGET_GATE_FLOOR = budget
            score, candidate = compare.engine_scores(ref, data, concept_weight=cw)
            m = evalset_v2.metrics(score, candidate, data, "tuning")
            rows.append((m["ndcg@5"], m["hit@1"], m["mrr"], cw, sibling, budget))
            print(f"concept_weight {cw:.1f} sibling gate {sibling:.1f} budget floor "
                  f"{budget:.1f}: tuning NDCG@5 {m['ndcg@5']:.3f} hit@1 {m['hit@1']:.3f} "
                  f"MRR {m['mrr']:.3f}", flush=True)
    finally:
        gates.SECTOR_GATE[:] = sector_gate
        gates.BUDGET_GATE_FLOOR = floor
    best = max(rows)
    print(f"best on tuning: concept_weight {best[3]}, sibling gate {best[4]}, "
          f"budget floor {best[5]} (NDCG@5 {best[0]:.3f})")


if __name__ == "__main__":
    main()
