"""Scoring benchmarks (figures printed, never asserted).

    .venv/bin/python bench/scoring.py             # every case, each in its own process
    .venv/bin/python bench/scoring.py --case batch --needs 10000 --offers 10000

Cases: batch top-20 for 10k × 10k (target ≤ 1.5 s, ≤ 1 GB peak RSS) and 50k × 50k (≤ 20 s,
≤ 2 GB, chunked); candidates of one new need against 10k offers with a fitted scorer
(≤ 20 ms); a straightforward per-pair Python loop on a 1,000 × 1,000 slice against the plain
(additive: no concepts, gates or sub-sector guide) engine; ``variants``: concepts, gates and the
guide against the plain engine, as ratios measured in the same run. Batch and single cases
score as the app does (``LIVE``: the concept weight of ``Config``, gates, the guide).
Peak RSS is the whole process's (Python, Flask for the reference data, synthetic lists).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import synthetic  # noqa: E402

from matchmaker.config import Config  # noqa: E402
from matchmaker.scoring import FACTORS, MatchScorer, NeedTable  # noqa: E402
from matchmaker.scoring.data import RECIPIENT_PROVINCES  # noqa: E402
from matchmaker.scoring.factors import (  # noqa: E402
    OVERSIZE_PENALTY,
    OVERSIZE_RATIO,
    REGION_VALUES,
    SECTOR_VALUES,
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def batch(n_needs: int, n_offers: int, top_k: int = 20, tokens: str | None = None) -> None:
    ref = synthetic.reference()
    needs, offers = synthetic.generate(ref, n_needs, n_offers)
    before = peak_mb()
    started = time.perf_counter()
    scorer = MatchScorer(ref, **LIVE, **({"tokens": tokens} if tokens else {})).fit(offers,
                                                                                 needs)
    fitted = time.perf_counter()
    ranking = scorer.rank(needs, top_k=top_k)
    done = time.perf_counter()
    print(f"batch top-{top_k} {n_needs:,} × {n_offers:,}: fit {fitted - started:.2f} s + "
          f"rank {done - fitted:.2f} s = {done - started:.2f} s wall; {len(ranking):,} pairs; "
          f"peak RSS {peak_mb():.0f} MB (before scoring {before:.0f} MB)")


def single(n_offers: int = 10_000, repeats: int = 50, tokens: str | None = None) -> None:
    ref = synthetic.reference()
    _, offers = synthetic.generate(ref, 0, n_offers)
    new_needs, _ = synthetic.generate(ref, repeats, 0, seed=7)
    scorer = MatchScorer(ref, **LIVE, **({"tokens": tokens} if tokens else {})).fit(offers)
    times = []
    for i in range(repeats):
        one = NeedTable(new_needs.ids[i:i + 1], new_needs.titles[i:i + 1],
                        new_needs.descriptions[i:i + 1], new_needs.sector_codes[i:i + 1],
                        new_needs.region_codes[i:i + 1], new_needs.uncommitted_yuan[i:i + 1])
        started = time.perf_counter()
        scorer.rank(one, top_k=20)
        times.append((time.perf_counter() - started) * 1000)
    print(f"candidates of one new need against {n_offers:,} offers (fitted scorer): median "
          f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms over {repeats} needs")


class LoopScorer:
    """The straightforward way: every (need, offer) pair in Python (levels as the engine's
    factor tables define them, values read from those tables)."""

    def __init__(self, ref, weights) -> None:
        self.ref = ref
        self.weights = weights
        self.paired: dict[str, set[str]] = {}  # supporter province -> recipient codes
        for p in ref.pairings:
            if p.supporter_region_code:
                self.paired.setdefault(p.supporter_region_code, set()).add(
                    p.recipient_region_code)

    def sector(self, need: str, offer: tuple[str, ...]) -> float:
        parent = {s.code: s.parent_code for s in self.ref.sectors}
        best = 0.0
        for code in offer:
            if code == need:
                best = max(best, 1.0)
            elif parent.get(need) == code or parent.get(code) == need:
                best = max(best, float(SECTOR_VALUES[2]))
            elif parent.get(need) and parent.get(need) == parent.get(code):
                best = max(best, float(SECTOR_VALUES[1]))
        return best

    def region(self, need: str, targets: tuple[str, ...], org: str | None) -> tuple[float, bool]:
        ref = self.ref
        pref, prov = ref.prefecture_of(need), ref.province_of(need)
        # a county inside the need's prefecture counts as the need's own place
        inside = any(ref.region_by_code[t].parent_code == need for t in targets)
        candidate = not targets or inside or any(t in (need, pref, prov) for t in targets)
        level = 1 if not targets else 0
        org_prov = ref.province_of(org)
        recipients = self.paired.get(org_prov, set())
        if prov in RECIPIENT_PROVINCES and (
            any(ref.province_of(t) == prov for t in targets)
            or (not targets and any(ref.province_of(r) == prov for r in recipients))
        ):
            level = 2
        if pref and any(ref.region_by_code[t].level == "county"
                        and ref.region_by_code[t].parent_code == pref and t != need
                        for t in targets):
            level = max(level, 3)
        if (not targets or prov in targets) and any(
            r in (need, pref) or ref.region_by_code[r].parent_code == need for r in recipients
        ):
            level = max(level, 4)
        if inside or any(t in (need, pref) for t in targets):
            level = 5
        return float(REGION_VALUES[level]), candidate

    def rank(self, needs, offers, need_vectors, offer_vectors, top_k=20):
        w = self.weights
        out = []
        for i in range(len(needs)):
            scored = []
            u = needs.uncommitted_yuan[i]
            for j in range(len(offers)):
                rem = offers.remaining_yuan[j]
                region, candidate = self.region(needs.region_codes[i],
                                                offers.target_region_codes[j],
                                                offers.org_region_codes[j])
                if not candidate or rem <= 0 or u <= 0:
                    continue
                ratio = rem / u
                budget = ratio if ratio <= 1 else 1 - OVERSIZE_PENALTY * min(
                    (ratio - 1) / (OVERSIZE_RATIO - 1), 1)
                text = max(0.0, float(np.dot(need_vectors[i], offer_vectors[j])))
                sector = self.sector(needs.sector_codes[i], offers.sector_codes[j])
                score = (w[0] * sector + w[1] * budget + w[2] * region + w[3] * text)
                scored.append((score, j))
            scored.sort(reverse=True)
            out.append(scored[:top_k])
        return out


#: How the app scores (``services/matching/ranking.persisted_scorer``).
LIVE = {"concept_weight": Config.SCORING_CONCEPT_WEIGHT}
#: The additive engine without concepts, gates or guide, which the per-pair loop reproduces.
PLAIN = {"concepts": False, "gated": False, "guided": False}
VARIANTS = {"plain (char n-grams, no gates)": PLAIN,
            "gates only": {"concepts": False, "guided": False},
            "guide only": {"concepts": False, "gated": False},
            "concepts (0.7) only": {"gated": False, "guided": False},
            "live (gates + guide, concept weight 0)": {"concept_weight": 0.0},
            "gates + guide + concepts (0.7)": {"concept_weight": 0.7},
            "char + jieba, live otherwise": {"tokens": "both", "concept_weight": 0.0}}


def variants(n_needs: int, n_offers: int, repeats: int = 30) -> None:
    """Fit + rank (best of two) and one-need times of each engine variant, as ratios to the
    plain one."""
    ref = synthetic.reference()
    needs, offers = synthetic.generate(ref, n_needs, n_offers)
    new_needs, _ = synthetic.generate(ref, repeats, 0, seed=7)
    MatchScorer(ref).fit(offers, needs)  # warm-up: imports, caches
    base = None
    for label, params in VARIANTS.items():
        fits, ranks = [], []
        for _ in range(2):  # best of two: the machine is shared
            started = time.perf_counter()
            scorer = MatchScorer(ref, **params).fit(offers, needs)
            fitted = time.perf_counter()
            scorer.rank(needs, top_k=20)
            fits.append(fitted - started)
            ranks.append(time.perf_counter() - fitted)
        single_ms = []
        for i in range(repeats):
            one = NeedTable(new_needs.ids[i:i + 1], new_needs.titles[i:i + 1],
                            new_needs.descriptions[i:i + 1], new_needs.sector_codes[i:i + 1],
                            new_needs.region_codes[i:i + 1], new_needs.uncommitted_yuan[i:i + 1])
            t0 = time.perf_counter()
            scorer.rank(one, top_k=20)
            single_ms.append((time.perf_counter() - t0) * 1000)
        figures = (min(fits), min(ranks), statistics.median(single_ms))
        base = base or figures
        print(f"{label:<30} fit {figures[0]:.2f} s ({figures[0] / base[0]:.2f}×), rank "
              f"{n_needs:,} × {n_offers:,} {figures[1]:.2f} s ({figures[1] / base[1]:.2f}×), "
              f"one need median {figures[2]:.1f} ms ({figures[2] / base[2]:.2f}×)")


def loop(n: int = 1000) -> None:
    ref = synthetic.reference()
    needs, offers = synthetic.generate(ref, n, n)
    started = time.perf_counter()
    scorer = MatchScorer(ref, **PLAIN).fit(offers, needs)
    ranking = scorer.rank(needs, top_k=20)
    engine_s = time.perf_counter() - started
    if list(FACTORS) != ["sector", "budget", "region", "text"]:
        raise SystemExit("LoopScorer assumes the factor order sector, budget, region, text")
    started = time.perf_counter()
    baseline = LoopScorer(ref, scorer.weights_)
    texts = MatchScorer(ref, **PLAIN).fit(offers, needs)  # the same text model
    slow = baseline.rank(needs, offers, texts._need_rows(needs)[1], texts.offer_vectors_)
    loop_s = time.perf_counter() - started
    top_engine: dict[int, float] = {}
    for i, s in zip(ranking.need_index, ranking.score, strict=True):
        top_engine.setdefault(int(i), float(s))
    agree = max(abs(top_engine.get(i, 0.0) - (row[0][0] if row else 0.0))
                for i, row in enumerate(slow))
    print(f"per-pair Python loop {n:,} × {n:,}: {loop_s:.2f} s; engine (fit + rank) "
          f"{engine_s:.3f} s; speed-up {loop_s / engine_s:.0f}×; "
          f"largest top-1 score difference {agree:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="all",
                        choices=["batch", "single", "loop", "variants", "all"])
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--tokens", choices=["char", "jieba", "both"],
                        help="text features (default: the engine's)")
    args = parser.parse_args()
    if args.case == "batch":
        batch(args.needs, args.offers, tokens=args.tokens)
    elif args.case == "single":
        single(args.offers, tokens=args.tokens)
    elif args.case == "loop":
        loop()
    elif args.case == "variants":
        variants(args.needs, args.offers)
    else:
        for extra in (["batch", "--needs", "10000", "--offers", "10000"],
                      ["batch", "--needs", "50000", "--offers", "50000"],
                      ["single", "--offers", "10000"], ["loop"], ["variants"]):
            subprocess.run([sys.executable, __file__, "--case", *extra],  # noqa: S603
                           check=True)


if __name__ == "__main__":
    main()
