"""对接 pages: candidates and decisions (``routes``), completion and delivery
(``delivery_routes``), 申请对接 (``request_routes``), all on one blueprint (``blueprint``)."""

from . import delivery_routes, request_routes, routes  # noqa: F401 - each module adds its routes to bp
from .blueprint import bp

__all__ = ["bp"]
