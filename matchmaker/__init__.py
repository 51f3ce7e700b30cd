"""援藏援疆项目对接平台 (matchmaker).

Importing the package loads nothing else: the application factory lives in
:mod:`matchmaker.app` (``matchmaker.app:create_app``), so pure parts such as
:mod:`matchmaker.scoring` import without Flask or SQLAlchemy. ``create_app`` is still
reachable as ``matchmaker.create_app``, loaded on first access.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """Load ``create_app`` from :mod:`matchmaker.app` when it is first asked for."""
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
