"""Figures for each role's home page (aggregates in SQL)."""

from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...models import Match, Need, Offer, Organisation, Pairing, Region, User
from ...permissions import is_admin, is_coordinator, posted_kind
from ..matching import work_queue
from ..organisations import screening, vetting

OPEN_STATUSES = ("confirmed", "accepted")  # 进行中: live and not yet completed


def _totals(model, *where) -> dict[str, int]:
    count, budget, committed = db.session.execute(
        select(
            func.count(model.id),
            func.coalesce(func.sum(model.budget_yuan), 0),
            func.coalesce(func.sum(model.committed_yuan), 0),
        ).where(*where)
    ).one()
    return {"count": count, "budget": int(budget), "committed": int(committed)}


def organisation_items(model, organisation_id: int, limit: int = 50) -> list:
    """An organisation's own needs or offers, newest first."""
    return db.session.scalars(
        select(model)
        .where(model.organisation_id == organisation_id)
        .order_by(model.updated_at.desc(), model.id.desc())
        .limit(limit)
    ).all()


def home_summary(user: User) -> dict:
    """What the home page shows for ``user``'s role."""
    kind = posted_kind(user)
    if kind is not None:
        model = Need if kind == "needs" else Offer
        org_id = user.organisation_id
        return {
            "published": _totals(model, model.organisation_id == org_id,
                                 model.status == "published"),
            "drafts": _totals(model, model.organisation_id == org_id, model.status == "draft"),
            "items": organisation_items(model, org_id) if org_id else [],
            "awaiting": work_queue.awaiting_answer(org_id, kind) if org_id else [],
            "matches": work_queue.organisation_matches(org_id) if org_id else [],
        }
    summary = {  # 进行中: confirmed or accepted, not yet completed
        "needs": _totals(Need, Need.status == "published"),
        "offers": _totals(Offer, Offer.status == "published"),
        "live_matches": db.session.scalar(
            select(func.count(Match.id)).where(Match.status.in_(OPEN_STATUSES))
        ),
        "orgs_by_status": dict(
            db.session.execute(
                select(Organisation.status, func.count(Organisation.id)).group_by(
                    Organisation.status
                )
            ).all()
        ),
    }
    if is_coordinator(user):
        summary["stale_needs"] = work_queue.stale_needs()
        summary["open_requests"] = work_queue.open_requests(limit=5)
        summary["open_requests_count"] = work_queue.open_requests_count()
        summary["waiting_matches"] = work_queue.waiting_matches()
        summary["disputed_deliveries"] = work_queue.disputed_deliveries()
        summary["offers_with_money"] = work_queue.offers_with_money(limit=10)
        summary["offers_with_money_count"] = work_queue.offers_with_money_count()
        summary["unpaired_needs"] = work_queue.unpaired_needs(limit=10)
        summary["unpaired_count"] = work_queue.unpaired_count()
        summary["flagged_matches"] = vetting.flagged_matches(limit=20)
        summary["open_screening_hits"] = screening.open_count()
    if is_admin(user):
        summary["users"] = db.session.scalar(select(func.count(User.id)))
        summary["unverified_pairings"] = db.session.scalar(
            select(func.count(Pairing.id)).where(Pairing.verified.is_(False))
        )
        summary["unverified_regions"] = db.session.scalar(
            select(func.count(Region.code)).where(Region.verified.is_(False))
        )
    return summary
