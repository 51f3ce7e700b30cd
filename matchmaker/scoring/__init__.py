"""The scoring engine: pure numpy / scipy / scikit-learn / jieba, no Flask, no database.

``MatchScorer`` is fitted on offers and scores whole blocks of needs × offers as matrices:
a weighted sum of the sector, budget, region and text factors (text = char n-gram TF-IDF/LSA
plus the overlap of domain concepts, ``concepts.py`` and ``data/concepts.csv``), multiplied by
the sector, region and budget gates (``gates.py``). ``explain`` words the reasons;
``learn_to_rank`` learns weights (inside the gates) from which candidates coordinators
chose. Quality: ``bench/quality.py``.
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
from .learn import MIN_DECISIONS, DecisionGroups, LearnResult, learn_to_rank
from .reasons import explain

__all__ = [
    "DEFAULT_WEIGHTS",
    "DecisionGroups",
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
    "learn_to_rank",
    "weight_vector",
]
