"""申请对接: a recipient (on its need's candidates) or a supporter (on its offer's) asks the
coordinators to pair its item with a recommended candidate. The request lands in the
coordinator's work queue; a coordinator confirms the pair through the normal 确认对接
(``lifecycle.decide`` then marks the request done, see :func:`settle`) or declines it with
a reason, and the asker is told in-app. One open request per pair: checked here and kept by
the database (a partial unique index)."""

from __future__ import annotations

from sqlalchemy import or_, select, update

from ...extensions import db
from ...models import Match, Need, Offer, User
from ...models.base import utcnow
from ...models.match_requests import MatchRequest
from ...models.matches import LIVE_STATUSES
from ...permissions import (
    can_decide_matches,
    can_request_match,
    org_may_act,
    sees_all_matches,
)
from ..errors import Conflict, DomainError, Forbidden, NotFound
from ..platform import audit, notifications

NOTE_MAX = 500
REASON_MAX = 500


def _pair(need_id: int, offer_id: int) -> tuple[Need, Offer]:
    need, offer = db.session.get(Need, need_id), db.session.get(Offer, offer_id)
    if need is None or offer is None:
        raise NotFound("需求或供给不存在。")
    return need, offer


def _asking_side(by: User, need: Need, offer: Offer) -> str:
    if can_request_match(by, need):
        return "need"
    if can_request_match(by, offer):
        return "offer"
    raise Forbidden("只有需求或供给所属单位可以申请对接。")


def open_request(need_id: int, offer_id: int) -> MatchRequest | None:
    return db.session.scalar(select(MatchRequest).where(
        MatchRequest.need_id == need_id, MatchRequest.offer_id == offer_id,
        MatchRequest.status == "open"))


def _check_pair(need: Need, offer: Offer, side: str) -> None:
    own, other = (need, offer) if side == "need" else (offer, need)
    if own.status != "published":
        raise DomainError("只有已发布的项目可以申请对接。")
    if other.status != "published":
        raise DomainError("对方项目未发布或已关闭，不能申请对接。")
    if not org_may_act(other.organisation):
        raise DomainError(f"“{other.organisation.name}”当前不能参与对接。")
    statuses = set(db.session.scalars(select(Match.status).where(
        Match.need_id == need.id, Match.offer_id == offer.id)))
    if statuses & set(LIVE_STATUSES):
        raise Conflict("该需求与供给已有进行中的对接。")
    if "rejected" in statuses:
        raise Conflict("协调员已否决该组合，不能再申请对接。")
    if open_request(need.id, offer.id) is not None:
        raise Conflict("该组合已申请对接，正等待协调员处理。")


def ask(need_id: int, offer_id: int, *, by: User, note: str = "",
        ip: str | None = None) -> MatchRequest:
    """``by`` (of the need's or the offer's organisation) asks for this pair to be matched,
    with an optional note for the coordinator."""
    need, offer = _pair(need_id, offer_id)
    side = _asking_side(by, need, offer)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"说明最多 {NOTE_MAX} 字。", fields={"note": [f"最多 {NOTE_MAX} 字。"]})
    _check_pair(need, offer, side)
    req = MatchRequest(need_id=need.id, offer_id=offer.id, side=side, requested_by_id=by.id,
                       organisation_id=by.organisation_id, note=note, status="open",
                       decline_reason="")
    db.session.add(req)
    db.session.flush()  # the open-pair index refuses a second one (→ 409)
    audit.record("match_request.create", user=by, entity=req, ip=ip, changes={
        "need_id": [None, need.id], "offer_id": [None, offer.id], "asking_side": [None, side],
        "note": [None, note]})
    notifications.match_request_event(req, "open")
    return req


def _close(req_id: int, status: str, *, by: User | None, reason: str = "",
           match: Match | None = None) -> MatchRequest | None:
    """Move an open request to ``status`` in one conditional UPDATE (two coordinators at
    once: one wins). None when it was no longer open."""
    changed = db.session.execute(
        update(MatchRequest).where(MatchRequest.id == req_id, MatchRequest.status == "open")
        .values(status=status, decided_by_id=by.id if by else None, decided_at=utcnow(),
                decline_reason=reason, match_id=match.id if match else None,
                updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    req = db.session.get(MatchRequest, req_id, populate_existing=True)
    return req if changed else None


def decline(req_id: int, *, by: User, reason: str, ip: str | None = None) -> MatchRequest:
    """A coordinator declines an open request, saying why; the asker is notified."""
    if not can_decide_matches(by):
        raise Forbidden("只有协调员可以处理对接申请。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写不采纳的理由。", fields={"reason": ["请填写理由。"]})
    if len(reason) > REASON_MAX:
        raise DomainError(f"理由最多 {REASON_MAX} 字。",
                          fields={"reason": [f"最多 {REASON_MAX} 字。"]})
    if db.session.get(MatchRequest, req_id) is None:
        raise NotFound("对接申请不存在。")
    req = _close(req_id, "declined", by=by, reason=reason)
    if req is None:
        raise Conflict("该申请已处理，请刷新页面。")
    audit.record("match_request.declined", user=by, entity=req, ip=ip, changes={
        "request_status": ["open", "declined"], "reason": [None, reason]})
    notifications.match_request_event(req, "declined")
    return req


def settle(match: Match, *, by: User, ip: str | None = None) -> MatchRequest | None:
    """After a coordinator decided the pair of ``match`` (``lifecycle.decide``): an open
    request for it is done (confirmed) or declined (rejected, with the 否决 note)."""
    req = open_request(match.need_id, match.offer_id)
    if req is None:
        return None
    if match.status == "rejected":
        reason = match.note or "协调员否决了该组合。"
        closed = _close(req.id, "declined", by=by, reason=reason)
        event = "declined"
    else:
        closed = _close(req.id, "done", by=by, match=match)
        event = "done"
    if closed is None:
        return None
    audit.record(f"match_request.{event}", user=by, entity=closed, ip=ip, changes={
        "request_status": ["open", closed.status], "match_id": [None, match.id]})
    notifications.match_request_event(closed, event)
    return closed


def end_for_closed(item: Need | Offer, *, by: User | None, ip: str | None = None) -> int:
    """``item`` was closed: every open request touching it can no longer be confirmed, so
    it ends now (status ``ended``, saying why), and its asker is told unless they closed it."""
    label = "需求" if isinstance(item, Need) else "供给"
    reason = f"{label}“{item.title}”已关闭，申请自动结束。"
    ended = 0
    for req in open_pairs(item).values():
        closed = _close(req.id, "ended", by=by, reason=reason)
        if closed is None:
            continue
        ended += 1
        audit.record("match_request.ended", user=by, entity=closed, ip=ip, changes={
            "request_status": ["open", "ended"], "reason": [None, reason]})
        if by is None or closed.requested_by_id != by.id:
            notifications.match_request_event(closed, "ended")
    return ended


def load(req_id: int) -> MatchRequest:
    req = db.session.get(MatchRequest, req_id)
    if req is None:
        raise NotFound("对接申请不存在。")
    return req


def for_item(item: Need | Offer, limit: int = 20) -> list[MatchRequest]:
    """Requests about ``item`` (as need or offer), newest first: shown on its candidates
    page to its organisation and the coordinators."""
    column = MatchRequest.need_id if isinstance(item, Need) else MatchRequest.offer_id
    return db.session.scalars(select(MatchRequest).where(column == item.id)
                              .order_by(MatchRequest.id.desc()).limit(limit)).all()


def open_pairs(item: Need | Offer) -> dict[tuple[int, int], MatchRequest]:
    """Open requests touching ``item``, by (need_id, offer_id)."""
    column = MatchRequest.need_id if isinstance(item, Need) else MatchRequest.offer_id
    return {(r.need_id, r.offer_id): r for r in db.session.scalars(
        select(MatchRequest).where(MatchRequest.status == "open", column == item.id))}


def visible(user: User):
    """A query of the requests ``user`` may read, newest first: staff every one; a
    recipient or supporter those about its organisation's needs or offers."""
    stmt = select(MatchRequest).order_by(MatchRequest.id.desc())
    if sees_all_matches(user):
        return stmt
    org_id = getattr(user, "organisation_id", None) or 0
    return stmt.where(or_(
        MatchRequest.need_id.in_(select(Need.id).where(Need.organisation_id == org_id)),
        MatchRequest.offer_id.in_(select(Offer.id).where(Offer.organisation_id == org_id))))
