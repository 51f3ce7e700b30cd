"""The 对接 blueprint and what its two route modules share."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from ..models import Match
from ..services.errors import NotFound
from ..services.matching import visibility

bp = Blueprint("matches", __name__, url_prefix="/matches")


def load_match(item_id: int) -> Match:
    """The match, or 404 when it does not exist or the user may not see it."""
    try:
        return visibility.load_visible(current_user, item_id)
    except NotFound:
        abort(404)
