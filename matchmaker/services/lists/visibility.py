"""Who sees a need's or offer's contact details: shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import LIVE_STATUSES, Match, Need, Offer
from ...permissions import can_see_contact


def _matched_stmt(model: type, org_id: int):
    """Ids of ``model`` rows on the other side of a live match of organisation ``org_id``."""
    if model is Need:
        stmt = select(Match.need_id).join(Offer, Match.offer_id == Offer.id).where(
            Offer.organisation_id == org_id)
    else:
        stmt = select(Match.offer_id).join(Need, Match.need_id == Need.id).where(
            Need.organisation_id == org_id)
    return stmt.where(Match.status.in_(LIVE_STATUSES))


def is_matched_party(user: Any, item: Need | Offer) -> bool:
    """Whether ``user``'s organisation is on the other side of a live match of ``item``."""
    org_id = getattr(user, "organisation_id", None)
    if org_id is None:
        return False
    column = Match.need_id if isinstance(item, Need) else Match.offer_id
    stmt = _matched_stmt(type(item), org_id).where(column == item.id).limit(1)
    return db.session.scalar(stmt) is not None


def shows_contact(user: Any, item: Need | Offer) -> bool:
    """Whether ``user`` may see ``item``'s contact name and phone (the match lookup runs
    only when the permission does not already allow it)."""
    return can_see_contact(user, item) or can_see_contact(
        user, item, matched=is_matched_party(user, item))


def contacts_shown(user: Any, items: Iterable[Need | Offer]) -> set[int]:
    """Ids of the ``items`` (all of one model) whose contact ``user`` sees: one match
    lookup for the whole page, only for the rows the permission alone does not allow."""
    items = list(items)
    shown = {item.id for item in items if can_see_contact(user, item)}
    rest = [item for item in items if item.id not in shown]
    org_id = getattr(user, "organisation_id", None)
    if not rest or org_id is None:
        return shown
    model = type(rest[0])
    column = Match.need_id if model is Need else Match.offer_id
    matched = set(db.session.scalars(_matched_stmt(model, org_id).where(
        column.in_([item.id for item in rest]))))
    return shown | {item.id for item in rest
                    if item.id in matched and can_see_contact(user, item, matched=True)}


@dataclass(frozen=True)
class Contact:
    """One side's contact on the match page: the need's/offer's own contact, else its
    organisation's; the e-mail is the organisation's (needs and offers store none)."""

    side: str  # "need" or "offer"
    organisation: str
    name: str
    phone: str
    email: str


def _contact(side: str, item: Need | Offer) -> Contact:
    org = item.organisation
    return Contact(side=side, organisation=org.name,
                   name=item.contact_name or org.contact_name or "",
                   phone=item.contact_phone or org.contact_phone or "",
                   email=org.contact_email or "")


def match_contacts(user: Any, match: Match) -> list[Contact]:
    """The contacts ``user`` sees on ``match``'s page: a party sees the OTHER side's while
    the match is live (confirmed, accepted, completed); coordinators and admins see both
    sides'; nobody else sees any."""
    org_id = getattr(user, "organisation_id", None)
    live = match.status in LIVE_STATUSES
    shown = []
    for side, item, other in (("need", match.need, match.offer),
                              ("offer", match.offer, match.need)):
        if org_id is not None and org_id == item.organisation_id:
            continue  # one's own side: not the point of this card
        matched = live and org_id is not None and org_id == other.organisation_id
        if can_see_contact(user, item, matched=matched):
            shown.append(_contact(side, item))
    return shown
