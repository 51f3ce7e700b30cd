"""Which matches a user sees: one query for the pages, the API and the home pages."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import Match, Need, Offer, User
from ...permissions import sees_all_matches
from ..errors import NotFound


def visible_matches(user: User) -> Select:
    """Every match for coordinators and admins; otherwise those where the user's
    organisation is the need's or the offer's."""
    stmt = select(Match)
    if not sees_all_matches(user):
        stmt = stmt.join(Need, Match.need_id == Need.id).join(
            Offer, Match.offer_id == Offer.id).where(
            or_(Need.organisation_id == user.organisation_id,
                Offer.organisation_id == user.organisation_id))
    return stmt


def with_parties(stmt: Select) -> Select:
    """``stmt`` (of matches) loading each match's need (with its region) and offer with
    their organisations in the same statement (list pages show all of them)."""
    need = joinedload(Match.need)
    return stmt.options(need.joinedload(Need.organisation), need.joinedload(Need.region),
                        joinedload(Match.offer).joinedload(Offer.organisation))


def load_visible(user: User, match_id: int) -> Match:
    """The match, or ``NotFound`` when it does not exist or ``user`` may not see it."""
    match = db.session.scalar(visible_matches(user).where(Match.id == match_id))
    if match is None:
        raise NotFound("对接记录不存在，或您无权查看。")
    return match
