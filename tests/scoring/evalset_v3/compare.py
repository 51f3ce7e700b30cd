"""Scorers compared on the v3 set (and on v2, whose tables have the same shape): the engine as
the live app builds it, engine variants (text tokens, concept lexicon) and the three fixed
baselines of issue 14 (sector only, text only, hand-weighted)."""

from __future__ import annotations

import numpy as np

from matchmaker.config import Config
from matchmaker.scoring import MatchScorer, Reference
from tests.scoring.evalset_v2 import compare as v2_compare
from tests.scoring.evalset_v2 import metrics as v2_metrics

#: What ``services/matching/ranking._scorer`` passes when no learned weights are adopted:
#: the configured weights and text tokens, the region filter not widened.
LIVE = {"weights": Config.SCORING_WEIGHTS, "tokens": Config.SCORING_TEXT_TOKENS,
        "concept_weight": Config.SCORING_CONCEPT_WEIGHT}
BASELINES = ("sector only", "text only", "hand-weighted")


def metrics(score: np.ndarray, candidate: np.ndarray, data, part: str) -> dict[str, float]:
    """NDCG@5, hit@1, MRR over ``part``; offers of suspended organisations (v3's ``active``
    mask) are not candidates, as in the app."""
    active = getattr(data, "active", None)
    if active is not None:
        candidate = candidate & active[None, :]
    return v2_metrics(score, candidate, data, part)


def engine(reference: Reference, data, **params) -> MatchScorer:
    """The engine with the live parameters, ``params`` overriding them, fitted on the set."""
    return MatchScorer(reference, **{**LIVE, **params}).fit(data.offers, data.needs)


def table(reference: Reference, data, runs: dict[str, dict], parts: tuple[str, ...],
          text_only: bool = False) -> dict[str, dict[str, dict[str, float]]]:
    """{label: {part: metrics}} for each engine run, then the baselines (unless
    ``runs`` is used for variants only: pass ``text_only`` to add each run's text factor
    ranked alone, labelled ``label + " / text factor alone"``)."""
    out = {}
    for label, params in runs.items():
        scorer = engine(reference, data, **params)
        score, factors, candidate = scorer.score_matrix(data.needs)
        out[label] = {p: metrics(score, candidate, data, p) for p in parts}
        if text_only:
            out[f"{label} / text factor alone"] = {
                p: metrics(factors["text"], candidate, data, p) for p in parts}
    return out


def baselines(reference: Reference, data, parts: tuple[str, ...]) -> dict:
    """The three baselines of issue 14, from a plain engine's factors (char n-grams, no
    concepts, no gates), on the same candidates."""
    base = v2_compare.baseline_scores(reference, data)
    candidate = base.pop("_candidate")
    return {label: {p: metrics(score, candidate, data, p) for p in parts}
            for label, score in base.items()}
