"""JSON API v1 under /api/v1: token auth, the contract of shared/spec/api.md."""

from . import lists, match_requests, matches, reference  # noqa: F401 - register the routes
from .core import bp

__all__ = ["bp"]
