"""Reference data pages: regions, pairings, sectors and the scoring weights (``routes``), the
concept lexicon (``concept_routes``), all on one blueprint."""

from . import concept_routes, routes  # noqa: F401 - each module adds its routes to bp
from .routes import bp

__all__ = ["bp"]
