"""Who sees a need's or offer's contact details: shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import LIVE_STATUSES, Match, Need, Offer
from ...permissions import can_see_contact


def is_matched_party(user: Any, item: Need | Offer) -> bool:
    """Whether ``user``'s organisation is on the other side of a live match of ``item``."""
    org_id = getattr(user, "organisation_id", None)
    if org_id is None:
        return False
    if isinstance(item, Need):
        stmt = select(Match.id).join(Offer, Match.offer_id == Offer.id).where(
            Match.need_id == item.id, Offer.organisation_id == org_id)
    else:
        stmt = select(Match.id).join(Need, Match.need_id == Need.id).where(
            Match.offer_id == item.id, Need.organisation_id == org_id)
    return db.session.scalar(stmt.where(Match.status.in_(LIVE_STATUSES)).limit(1)) is not None


def shows_contact(user: Any, item: Need | Offer) -> bool:
    """Whether ``user`` may see ``item``'s contact name and phone (the match lookup runs
    only when the permission does not already allow it)."""
    return can_see_contact(user, item) or can_see_contact(
        user, item, matched=is_matched_party(user, item))
