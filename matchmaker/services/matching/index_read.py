"""Read candidates from the match index, filters in SQL, every returned row re-checked
against the hard filters at read time (both items published, money left on both sides,
both organisations in good standing, no rejected or live match for the pair), so a row
the index has not caught up with yet is never offered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import LIVE_STATUSES, Match, MatchIndexEntry, Need, Offer, Organisation, Region
from ...models.offers import offer_sectors
from ...permissions import ACTING_ORG_STATUSES
from . import index_queue, text_model

E = MatchIndexEntry


def _rankable(item: Need | Offer) -> bool:
    money_left = item.budget_yuan > item.committed_yuan
    return (item.status == "published" and money_left
            and item.organisation.status in ACTING_ORG_STATUSES)


def _open_pair():
    """No rejected or live match for the entry's pair."""
    return ~exists().where(Match.need_id == E.need_id, Match.offer_id == E.offer_id,
                           Match.status.in_(("rejected", *LIVE_STATUSES)))


def open_entries(*where) -> list[tuple[MatchIndexEntry, Need, Offer]]:
    """Index rows matching ``where`` that the read-time re-check keeps, both sides checked
    (the same rules as the candidate lists: published, money left, organisations in good
    standing, no rejected or live match for the pair)."""
    need_org, offer_org = aliased(Organisation), aliased(Organisation)
    stmt = (select(E, Need, Offer).join(Need, Need.id == E.need_id)
            .join(Offer, Offer.id == E.offer_id)
            .join(need_org, need_org.id == Need.organisation_id)
            .join(offer_org, offer_org.id == Offer.organisation_id)
            .where(*where, Need.status == "published", Offer.status == "published",
                   Need.budget_yuan > Need.committed_yuan,
                   Offer.budget_yuan > Offer.committed_yuan,
                   need_org.status.in_(ACTING_ORG_STATUSES),
                   offer_org.status.in_(ACTING_ORG_STATUSES), _open_pair())
            .order_by(E.score.desc(), E.need_id, E.offer_id))
    return [tuple(row) for row in db.session.execute(stmt)]


def prepare() -> None:
    """Apply committed changes the index has not seen yet; build it if it never was."""
    index_queue.drain()
    if text_model.current() is None:
        from ... import unit_of_work
        from . import index

        unit_of_work.run(index.rebuild)


def _query(item: Need | Offer, other, key, *, sector: str, province: str, min_score: float,
           limit: int) -> list[tuple[MatchIndexEntry, Need | Offer]]:
    org = aliased(Organisation)
    own = E.need_id if isinstance(item, Need) else E.offer_id
    stmt = (select(E, other).join(other, other.id == key).join(org, org.id == other.organisation_id)
            .where(own == item.id, other.status == "published",
                   other.budget_yuan > other.committed_yuan,
                   org.status.in_(ACTING_ORG_STATUSES), _open_pair()))
    if min_score:
        stmt = stmt.where(E.score >= min_score)
    if sector and other is Offer:
        stmt = stmt.where(exists().where(offer_sectors.c.offer_id == Offer.id,
                                         offer_sectors.c.sector_code.startswith(sector)))
    elif sector:
        stmt = stmt.where(Need.sector_code.startswith(sector))
    if province:
        region_code = org.region_code if other is Offer else Need.region_code
        stmt = stmt.where(exists().where(and_(Region.code == region_code,
                                              Region.province_code == province)))
    stmt = stmt.order_by(E.score.desc(), key).limit(limit)
    return [(e, other) for e, other in db.session.execute(stmt)]


def shown_for_need(need: Need, limit: int) -> list[int] | None:
    """The offer ids a need's candidates page shows now (best first), read from the index
    as it stands, without applying pending changes (recording a decision must not refresh
    or build the index); None when the index was never built (nothing is known)."""
    if text_model.current() is None:
        return None
    if not _rankable(need):
        return []
    found = _query(need, Offer, E.offer_id, sector="", province="", min_score=0.0,
                   limit=limit)
    return [e.offer_id for e, _ in found]


def for_need(need: Need, *, sector: str = "", province: str = "", min_score: float = 0.0,
             limit: int = 10) -> tuple[list[dict], datetime | None]:
    """Indexed offers for ``need``, best first, and when the oldest of them was computed."""
    prepare()
    if not _rankable(need):
        return [], None
    found = _query(need, Offer, E.offer_id, sector=sector, province=province,
                   min_score=min_score, limit=limit)
    return _shape(found, "offer_id")


def for_offer(offer: Offer, *, sector: str = "", province: str = "", min_score: float = 0.0,
              limit: int = 10) -> tuple[list[dict], datetime | None]:
    """Indexed needs for ``offer``, best first, and when the oldest of them was computed."""
    prepare()
    if not _rankable(offer):
        return [], None
    found = _query(offer, Need, E.need_id, sector=sector, province=province,
                   min_score=min_score, limit=limit)
    return _shape(found, "need_id")


def _shape(found, key: str) -> tuple[list[dict], datetime | None]:
    rows = [{key: getattr(e, key), "score": e.score, "factors": dict(e.factors),
             "reasons": list(e.reasons), "item": other} for e, other in found]
    return rows, min((e.computed_at for e, _ in found), default=None)
