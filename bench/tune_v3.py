"""Search over the engine's gates, region values, concept weight and text features on TUNING
data only: the tuning part of the blind v3 set and the whole v2 set (its lexicon was written
with it, so all of v2 is tuning-grade). It cannot print held-out figures: v3 needs are cut to
the tuning part before anything is scored, and no option reads the held-out part.

v3's tuning phrases were used to grow the concept lexicon, so on them the lexicon finds nearly
every concept, unlike on unseen wording. Each candidate is therefore also scored with thinned
lexicons (each synonym kept with probability ½, ¼) and with none: the tuning part as unseen
wording looks to the lexicon. The objective is the mean NDCG@5 over the five runs.
How the concept overlap enters the text factor was chosen with ``bench/concept_blend.py``,
which adds phrase-fold runs (lexicon terms of unseen tuning phrasings removed).

    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/tune_v3.py          # gates × values
    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/tune_v3.py --quick  # char tokens only
    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/tune_v3.py --text [--both]  # text model
    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/tune_v3.py --why [both]  # misorderings
"""

from __future__ import annotations

import functools
import itertools
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matchmaker.scoring import engine as engine_module  # noqa: E402
from matchmaker.scoring import factors as factor_tables  # noqa: E402
from matchmaker.scoring import gates  # noqa: E402
from matchmaker.scoring import text as text_module  # noqa: E402
from matchmaker.scoring.concepts import ConceptLexicon  # noqa: E402
from matchmaker.scoring.text import TextEmbedder  # noqa: E402
from tests.scoring import evalset_v2, evalset_v3  # noqa: E402
from tests.scoring.evalset_v3 import compare  # noqa: E402
from tests.scoring.refdata import shipped_reference  # noqa: E402

PART = "tuning"
RUNS = ("v3 tuning", "v3 tuning, ½ lexicon", "v3 tuning, ¼ lexicon", "v3 tuning, no lexicon",
        "v2 all")


def tuning_only(data):
    """The v3 set cut to its tuning needs (offers all kept: they are candidates for them)."""
    keep = np.flatnonzero(data.split == PART)
    needs = data.needs
    cut = type(needs)(**{f: (v if isinstance(v, dict) else np.asarray(v)[keep]
                             if isinstance(v, np.ndarray) else [v[i] for i in keep])
                         for f, v in vars(needs).items()})
    return replace(data, needs=cut, grades=[data.grades[i] for i in keep],
                   split=data.split[keep])


def v2_all(data):
    """v2 with every need marked tuning (its split no longer means held-out)."""
    return replace(data, split=np.full(len(data.split), PART))


class Runs:
    """Fitted scorers cached per (run, tokens, concept weight); gates are module arrays read
    at scoring time, so one fit serves every gate setting."""

    def __init__(self) -> None:
        self.ref = shipped_reference()
        v3 = tuning_only(evalset_v3.load())
        assert set(v3.split) == {PART}
        lexicon = ConceptLexicon.shipped()
        self.sets = {
            RUNS[0]: (v3, lexicon),
            RUNS[1]: (v3, lexicon.thinned(0.5, seed=1)),
            RUNS[2]: (v3, lexicon.thinned(0.25, seed=2)),
            RUNS[3]: (v3, False),
            RUNS[4]: (v2_all(evalset_v2.load()), lexicon),
        }
        self.cache: dict = {}

    def scorer(self, run: str, tokens: str, cw: float, text: tuple = ()):
        """``text``: (name, value) pairs of TextEmbedder parameters."""
        key = (run, tokens, cw, text)
        if key not in self.cache:
            data, lexicon = self.sets[run]
            params = dict(text)
            extra = {k: params.pop(k) for k in ("n_components",) if k in params}
            limit = params.pop("exact_limit", text_module.EXACT_LIMIT)
            saved = engine_module.TextEmbedder, text_module.EXACT_LIMIT
            engine_module.TextEmbedder = functools.partial(TextEmbedder, **params)
            text_module.EXACT_LIMIT = limit
            try:
                self.cache[key] = compare.engine(self.ref, data, tokens=tokens,
                                                 concepts=lexicon, concept_weight=cw, **extra)
            finally:
                engine_module.TextEmbedder, text_module.EXACT_LIMIT = saved
        return self.cache[key]

    def evaluate(self, tokens: str, cw: float, text: tuple = ()) -> dict[str, dict[str, float]]:
        out = {}
        for run, (data, _) in self.sets.items():
            score, _, candidate = self.scorer(run, tokens, cw, text).score_matrix(data.needs)
            active = getattr(data, "active", None)
            if active is None:
                out[run] = evalset_v2.metrics(score, candidate, data, PART)
            else:
                out[run] = compare.metrics(score, candidate, data, PART)
        return out


def setting(region_gate, region_values, sibling, parent, floor, start) -> None:
    gates.REGION_GATE[:] = region_gate
    factor_tables.REGION_VALUES[:] = region_values
    gates.SECTOR_GATE[1] = sibling
    factor_tables.SECTOR_VALUES[2] = parent
    gates.BUDGET_GATE_FLOOR = floor
    gates.BUDGET_GATE_START = start


# Region levels: 0 none, 1 open, 2 same recipient province (open or whole province),
# 3 a neighbouring county, 4 paired province (open or whole province), 5 explicit target.
REGION_GATES = {
    "flat (before)": (0.2, 1.0, 1.0, 1.0, 1.0, 1.0),
    "open .95 nb .8": (0.2, 0.95, 0.95, 0.8, 1.0, 1.0),
    "open .9 nb .7": (0.2, 0.9, 0.9, 0.7, 1.0, 1.0),
    "open .8 nb .6": (0.2, 0.8, 0.8, 0.6, 1.0, 1.0),
}
REGION_VALUE_SETS = {
    "before": (0.0, 0.2, 0.4, 0.75, 0.8, 1.0),
    "open .85": (0.0, 0.85, 0.85, 0.5, 1.0, 1.0),
    "open .95": (0.0, 0.95, 0.95, 0.5, 1.0, 1.0),
}
SIBLINGS = (0.6,)
PARENTS = (0.8,)
BUDGETS = {"linear 0.5 (current)": (0.5, 0.0)}
CONCEPT_WEIGHTS = (0.7,)
TOKENS = ("char", "both")


def swaps(runs: Runs, tokens: str, cw: float) -> None:
    """Where the ranking disagrees with the grades, on the v3 tuning runs: counts of
    (offer kind ranked above, grade) over (offer kind below, grade) among each need's top 5
    and its best offer."""
    from collections import Counter

    from tests.scoring.evalset import _rows

    kinds = [r["kind"] for r in _rows("offers.csv", evalset_v3.HERE)]
    for run in RUNS[:4]:
        data, _ = runs.sets[run]
        score, _, candidate = runs.scorer(run, tokens, cw).score_matrix(data.needs)
        candidate = candidate & data.active[None, :]
        tie = np.random.default_rng(0).permutation(score.shape[1])
        count = Counter()
        for i in range(len(data.needs)):
            g = data.grades[i]
            cols = np.flatnonzero(candidate[i])
            ranked = cols[np.lexsort((tie[cols], -score[i, cols]))][:8].tolist()
            for a, b in itertools.combinations(ranked, 2):
                if g.get(b, 0) > g.get(a, 0) and ranked.index(a) < 5:
                    count[(f"{kinds[a]}:{g.get(a, 0)}", f"{kinds[b]}:{g.get(b, 0)}")] += 1
        print(f"{run}: " + ", ".join(f"{a} over {b} ×{n}" for (a, b), n in count.most_common(8)))


LSA = (("exact_limit", 0),)
TEXT_GRID = {
    "exact TF-IDF (current at this size)": (("exact_limit", 10**12),),
    "LSA 128": LSA,
    "LSA 128, no places": LSA + (("drop_places", True),),
    "LSA 64, no places": LSA + (("drop_places", True), ("n_components", 64)),
    "LSA 96, no places": LSA + (("drop_places", True), ("n_components", 96)),
    "LSA 160, no places": LSA + (("drop_places", True), ("n_components", 160)),
}


def text_search(runs: Runs) -> None:
    """Text features with the gates as they are in the code."""
    rows = []
    tokens_tried = TOKENS if "--both" in sys.argv[1:] else TOKENS[:1]
    for tokens, cw, name in itertools.product(tokens_tried, (0.55, 0.7, 0.85), TEXT_GRID):
        m = runs.evaluate(tokens, cw, TEXT_GRID[name])
        mean = float(np.mean([m[r]["ndcg@5"] for r in RUNS]))
        hit = float(np.mean([m[r]["hit@1"] for r in RUNS]))
        rows.append((mean, hit, tokens, cw, name))
        cells = " ".join(f"{m[r]['ndcg@5']:.3f}/{m[r]['hit@1']:.3f}" for r in RUNS)
        print(f"{tokens:<5} cw {cw:.2f} text[{name}]: mean {mean:.4f}/{hit:.3f} | {cells}",
              flush=True)
    for r in sorted(rows)[-6:][::-1]:
        print(f"best: mean NDCG@5 {r[0]:.4f} hit@1 {r[1]:.3f}: {r[2]} cw {r[3]} text[{r[4]}]")


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    if "--text" in sys.argv[1:]:
        text_search(Runs())
        return
    if "--why" in sys.argv[1:]:
        swaps(Runs(), "both" if "both" in sys.argv[1:] else "char", CONCEPT_WEIGHTS[0])
        return
    runs = Runs()
    saved = (gates.REGION_GATE.copy(), factor_tables.REGION_VALUES.copy(),
             gates.SECTOR_GATE.copy(), gates.BUDGET_GATE_FLOOR, gates.BUDGET_GATE_START,
             factor_tables.SECTOR_VALUES.copy())
    rows = []
    grid = itertools.product(TOKENS[:1] if quick else TOKENS, CONCEPT_WEIGHTS, REGION_GATES,
                             REGION_VALUE_SETS, SIBLINGS, PARENTS, BUDGETS)
    started = time.perf_counter()
    try:
        for tokens, cw, rg, rv, sib, par, bud in grid:
            setting(REGION_GATES[rg], REGION_VALUE_SETS[rv], sib, par, *BUDGETS[bud])
            m = runs.evaluate(tokens, cw)
            mean = float(np.mean([m[r]["ndcg@5"] for r in RUNS]))
            hit = float(np.mean([m[r]["hit@1"] for r in RUNS]))
            rows.append((mean, hit, tokens, cw, rg, rv, sib, par, bud, m))
            cells = " ".join(f"{m[r]['ndcg@5']:.3f}/{m[r]['hit@1']:.3f}" for r in RUNS)
            print(f"{tokens:<5} cw {cw:.2f} gate[{rg}] values[{rv}] sib {sib} parent {par} "
                  f"budget[{bud}]: "
                  f"mean {mean:.4f}/{hit:.3f} | {cells}", flush=True)
    finally:
        gates.REGION_GATE[:], factor_tables.REGION_VALUES[:] = saved[0], saved[1]
        gates.SECTOR_GATE[:] = saved[2]
        gates.BUDGET_GATE_FLOOR, gates.BUDGET_GATE_START = saved[3], saved[4]
        factor_tables.SECTOR_VALUES[:] = saved[5]
    print(f"\n({time.perf_counter() - started:.0f} s) runs: {' | '.join(RUNS)}")
    for tokens in TOKENS:
        best = sorted((r for r in rows if r[2] == tokens), key=lambda r: r[:2])[-5:]
        for r in reversed(best):
            print(f"best {tokens}: mean NDCG@5 {r[0]:.4f} hit@1 {r[1]:.3f}: cw {r[3]} "
                  f"gate[{r[4]}] values[{r[5]}] sibling {r[6]} parent {r[7]} budget[{r[8]}]")


if __name__ == "__main__":
    main()
