"""The scoring engine: pure numpy / scipy / scikit-learn / jieba, no Flask, no database.

``MatchScorer`` is fitted on offers and scores whole blocks of needs × offers as matrices;
``explain`` words the reasons; ``learn_weights`` fits weights on coordinators' decisions.
"""

from .data import (
    DEFAULT_WEIGHTS,
    FACTOR_LABELS,
    FACTORS,
    NeedTable,
    OfferTable,
    PairingInfo,
    Reference,
    RegionInfo,
    SectorInfo,
)
from .engine import MatchScorer, Ranking, weight_vector
from .learn import MIN_DECISIONS, LearnResult, learn_weights
from .reasons import explain

__all__ = [
    "DEFAULT_WEIGHTS",
    "FACTORS",
    "FACTOR_LABELS",
    "MIN_DECISIONS",
    "LearnResult",
    "MatchScorer",
    "NeedTable",
    "OfferTable",
    "PairingInfo",
    "Ranking",
    "Reference",
    "RegionInfo",
    "SectorInfo",
    "explain",
    "learn_weights",
    "weight_vector",
]
