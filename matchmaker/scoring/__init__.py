"""The scoring engine: pure numpy / scipy / scikit-learn / jieba, no Flask, no database.

``MatchScorer`` is fitted on offers and scores whole blocks of needs × offers as matrices:
a weighted sum of the sector, budget, region and text factors (text = char n-gram TF-IDF/LSA
plus the overlap of domain concepts, ``concepts.py`` and ``data/concepts.csv``), multiplied by
the sector, region and budget gates (``gates.py``). ``explain`` words the reasons;
``learn_weights`` fits weights on coordinators' decisions. Quality: ``bench/quality.py``.
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
