"""Vetting organisations: status changes (pending → verified → suspended and back)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, joinedload

from ...extensions import db
from ...models import Match, Need, Offer, Organisation, User
from ...models.organisations import ORG_STATUSES
from ..errors import Conflict, DomainError
from ..platform import audit

#: Matches still under way: a suspended party makes them need a coordinator's attention.
OPEN_MATCH_STATUSES = ("confirmed", "accepted")


def set_status(org: Organisation, status: str, reason: str, *, by: User | None,
               ip: str | None = None) -> dict[str, list]:
    """Change ``org``'s status with a required reason; return the audited changes."""
    reason = (reason or "").strip()
    if status not in ORG_STATUSES:
        raise DomainError("未知状态。", fields={"status": ["未知状态。"]})
    if not reason:
        raise DomainError("请填写变更理由。", fields={"reason": ["请填写变更理由。"]})
    if len(reason) > 500:
        raise DomainError("理由最多 500 字。", fields={"reason": ["理由最多 500 字。"]})
    if status == org.status:
        raise Conflict(f"该单位已是“{org.status_label}”状态。")
    changes = audit.diff(org, {"status": status, "status_reason": reason})
    if status == "suspended":
        changes["flagged_matches"] = [None, [m.id for m in open_matches(org)]]
    audit.record("organisation.status", user=by, entity=org, ip=ip, organisation_id=org.id,
                 changes=changes)
    org.status = status
    org.status_reason = reason
    db.session.flush()
    return changes


def _match_query():
    need_org = aliased(Organisation)
    offer_org = aliased(Organisation)
    stmt = (select(Match)
            .join(Need, Match.need_id == Need.id)
            .join(need_org, Need.organisation_id == need_org.id)
            .join(Offer, Match.offer_id == Offer.id)
            .join(offer_org, Offer.organisation_id == offer_org.id)
            .where(Match.status.in_(OPEN_MATCH_STATUSES)))
    return stmt, need_org, offer_org


def open_matches(org: Organisation) -> list[Match]:
    """Confirmed or accepted matches in which ``org`` is the need's or the offer's side."""
    stmt, need_org, offer_org = _match_query()
    stmt = stmt.where(or_(need_org.id == org.id, offer_org.id == org.id))
    return db.session.scalars(stmt.order_by(Match.id)).all()


def flagged_matches(limit: int = 50) -> list[Match]:
    """Open matches with a suspended organisation on either side (coordinator's queue)."""
    stmt, need_org, offer_org = _match_query()
    stmt = stmt.where(or_(need_org.status == "suspended", offer_org.status == "suspended"))
    return db.session.scalars(stmt.order_by(Match.id.desc()).limit(limit)).all()


def organisations_query(*, status: str | None = None, kind: str | None = None, q: str = ""):
    """Organisations for the list page, filtered; newest first (regions loaded with them)."""
    stmt = select(Organisation).options(joinedload(Organisation.region))
    if status in ORG_STATUSES:
        stmt = stmt.where(Organisation.status == status)
    if kind in ("bureau", "social_org"):
        stmt = stmt.where(Organisation.kind == kind)
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Organisation.name.ilike(like, escape="\\"),
                              Organisation.uscc.ilike(like, escape="\\")))
    return stmt.order_by(Organisation.created_at.desc(), Organisation.id.desc())
