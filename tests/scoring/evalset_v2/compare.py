"""Scorers compared on the v2 set: the engine (any parameters) and three fixed baselines
computed from a plain engine's factors (char n-grams, no concepts, no gates)."""

from __future__ import annotations

import numpy as np

from matchmaker.scoring import MatchScorer, Reference
from matchmaker.scoring.factors import SECTOR_VALUES
from matchmaker.scoring.text import TextEmbedder

from . import EvalSet, metrics

PARTS = ("heldout", "tuning")


def engine_scores(reference: Reference, data: EvalSet, **params) -> tuple[np.ndarray, np.ndarray]:
    """(score, candidate) matrices of the engine with ``params`` over the whole set."""
    scorer = MatchScorer(reference, **params).fit(data.offers, data.needs)
    score, _, candidate = scorer.score_matrix(data.needs)
    return score, candidate


def _baseline_text(data: EvalSet) -> TextEmbedder:
    """The baselines' text model, pinned to the one they were first measured with (issue 14):
    char 1–2-gram TF-IDF, exact rows below 20M docs × features, place names kept; engine
    defaults may change, the baselines do not."""
    embedder = TextEmbedder("char", exact_limit=20_000_000, drop_places=False)
    docs = (embedder.documents(data.offers.titles, data.offers.descriptions)
            + embedder.documents(data.needs.titles, data.needs.descriptions))
    return embedder.fit(docs)


def baseline_scores(reference: Reference, data: EvalSet) -> dict[str, np.ndarray]:
    """Sector-only, text-only and the hand-weighted scorer
    sector gate × region gate × (0.5 + 0.3·text + 0.2·budget), plus the shared candidates."""
    scorer = MatchScorer(reference, concepts=False, gated=False, guided=False,  # codes as filed
                         embedder=_baseline_text(data)).fit(data.offers, data.needs)
    f, candidate = scorer.factor_matrices(data.needs)
    sector_fit = f["sector"] >= SECTOR_VALUES[2] - 1e-6  # same sector, or parent / child
    region_open = f["region"] > 0
    hand = sector_fit * region_open * (0.5 + 0.3 * f["text"] + 0.2 * np.clip(f["budget"], 0, 1))
    return {"sector only": f["sector"], "text only": f["text"], "hand-weighted": hand,
            "_candidate": candidate}


def table(reference: Reference, data: EvalSet, runs: dict[str, dict]) -> dict:
    """{scorer label: {part: metrics}} for the engine runs and the baselines."""
    out = {}
    for label, params in runs.items():
        score, candidate = engine_scores(reference, data, **params)
        out[label] = {p: metrics(score, candidate, data, p) for p in PARTS}
    base = baseline_scores(reference, data)
    candidate = base.pop("_candidate")
    for label, score in base.items():
        out[label] = {p: metrics(score, candidate, data, p) for p in PARTS}
    return out
