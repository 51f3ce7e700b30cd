"""The coordinator's work queue and each organisation's matches awaiting an answer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, exists, func, or_, select

from ...extensions import db
from ...models import Match, MatchRequest, Need, Offer
from ...models.base import utcnow
from ...models.matches import LIVE_STATUSES

STALE_NEED_DAYS = 14
WAITING_MATCH_DAYS = 7


def stale_needs(limit: int = 50) -> list[Need]:
    """Needs published for more than 14 days with nothing committed, oldest first."""
    cutoff = utcnow() - timedelta(days=STALE_NEED_DAYS)
    return db.session.scalars(
        select(Need).where(Need.status == "published", Need.committed_yuan == 0,
                           Need.published_at < cutoff)
        .order_by(Need.published_at).limit(limit)
    ).all()


def _unpaired():
    """Published needs with money lacking and no live match at all."""
    live = exists().where(Match.need_id == Need.id, Match.status.in_(LIVE_STATUSES))
    return (select(Need).where(Need.status == "published",
                               Need.committed_yuan < Need.budget_yuan, ~live)
            .order_by(Need.published_at, (Need.budget_yuan - Need.committed_yuan).desc(),
                      Need.id))


def unpaired_needs(limit: int = 10) -> list[Need]:
    """The coordinator's queue of needs: published, no live match, oldest and then largest
    (尚缺) first."""
    return db.session.scalars(_unpaired().limit(limit)).all()


def unpaired_count() -> int:
    return db.session.scalar(select(func.count()).select_from(_unpaired().subquery())) or 0


def next_need(after_id: int | None = None) -> Need | None:
    """The first need of the queue other than ``after_id`` (下一个需求)."""
    stmt = _unpaired()
    if after_id is not None:
        stmt = stmt.where(Need.id != after_id)
    return db.session.scalars(stmt.limit(1)).first()


def waiting_matches(limit: int = 50) -> list[Match]:
    """Confirmed matches still waiting for a side's answer after 7 days."""
    cutoff = utcnow() - timedelta(days=WAITING_MATCH_DAYS)
    return db.session.scalars(
        select(Match).where(Match.status == "confirmed", Match.created_at < cutoff)
        .order_by(Match.created_at).limit(limit)
    ).all()


def _offers_with_money():
    return select(Offer).where(Offer.status == "published",
                               Offer.committed_yuan < Offer.budget_yuan)


def offers_with_money(limit: int = 50) -> list[Offer]:
    """Published offers with money left, most remaining first."""
    return db.session.scalars(
        _offers_with_money()
        .order_by((Offer.budget_yuan - Offer.committed_yuan).desc(), Offer.id).limit(limit)
    ).all()


def offers_with_money_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(_offers_with_money().subquery())) or 0


def awaiting_answer(organisation_id: int, kind: str) -> list[Match]:
    """Confirmed matches on which this organisation's side (it posts ``kind``: needs or
    offers) has not answered yet."""
    if kind == "needs":
        cond = and_(Need.organisation_id == organisation_id, Match.need_accepted_at.is_(None))
    else:
        cond = and_(Offer.organisation_id == organisation_id, Match.offer_accepted_at.is_(None))
    return db.session.scalars(
        select(Match).join(Need, Match.need_id == Need.id).join(Offer, Match.offer_id == Offer.id)
        .where(Match.status == "confirmed", cond).order_by(Match.created_at)
    ).all()


def organisation_matches(organisation_id: int, limit: int = 20) -> list[Match]:
    """This organisation's most recent matches (either side)."""
    return db.session.scalars(
        select(Match).join(Need, Match.need_id == Need.id).join(Offer, Match.offer_id == Offer.id)
        .where(or_(Need.organisation_id == organisation_id,
                   Offer.organisation_id == organisation_id),
               Match.status != "rejected")
        .order_by(Match.updated_at.desc()).limit(limit)
    ).all()


def disputed_deliveries(limit: int = 50) -> list[Match]:
    """Completed matches whose delivered figures the offer side disputes, oldest first:
    a coordinator corrects them."""
    return db.session.scalars(
        select(Match).where(Match.status == "completed", Match.delivery_status == "disputed")
        .order_by(Match.delivery_answered_at, Match.id).limit(limit)
    ).all()


def open_requests(limit: int = 50) -> list[MatchRequest]:
    """申请对接 waiting for a coordinator, oldest first."""
    return db.session.scalars(
        select(MatchRequest).where(MatchRequest.status == "open")
        .order_by(MatchRequest.created_at, MatchRequest.id).limit(limit)
    ).all()


def open_requests_count() -> int:
    return db.session.scalar(select(func.count(MatchRequest.id)).where(
        MatchRequest.status == "open")) or 0


def handled_requests(limit: int = 20) -> list[MatchRequest]:
    """申请对接 handled lately (done or declined), newest first."""
    return db.session.scalars(
        select(MatchRequest).where(MatchRequest.status != "open")
        .order_by(MatchRequest.decided_at.desc(), MatchRequest.id.desc()).limit(limit)
    ).all()
