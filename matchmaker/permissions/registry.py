"""The registry of named rules, and how views, the API and templates enforce them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from .identity import is_admin, is_coordinator, is_staff, posted_kind

Predicate = Callable[..., bool]
RULES: dict[str, Predicate] = {}


def rule(fn: Predicate) -> Predicate:
    """Register ``can_x`` under the name ``x`` for :func:`can` and templates."""
    RULES[fn.__name__.removeprefix("can_")] = fn
    return fn


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether ``user`` may do ``action`` (a :data:`RULES` name) to ``obj``."""
    predicate = RULES[action]
    return predicate(user) if obj is None else predicate(user, obj)


def authorise(action: str, obj: Any = None, user: Any = None) -> None:
    """Abort with 403 unless the current user (or ``user``) may do ``action``."""
    if not can(current_user if user is None else user, action, obj):
        abort(403)


def requires(action: str):
    """View decorator: a signed-in user allowed to do ``action`` (403 otherwise)."""
    RULES[action]  # fail at import for an unknown rule name

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(*args, **kwargs):
            authorise(action)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def template_helpers() -> dict[str, Callable]:
    """What templates ask: ``can('edit_item', need)``, ``is_staff()`` and friends, always
    about the signed-in user."""
    return {
        "can": lambda action, obj=None: can(current_user, action, obj),
        "is_staff": lambda: is_staff(current_user),
        "is_admin": lambda: is_admin(current_user),
        "is_coordinator": lambda: is_coordinator(current_user),
        "posted_kind": lambda: posted_kind(current_user),
    }
