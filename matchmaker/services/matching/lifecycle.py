"""The match lifecycle (对接): confirm or reject a pair, both sides accept or decline,
the recipient reports completion, a coordinator may cancel. Money is committed while a
match is confirmed, accepted or completed, and never beyond a need's or an offer's budget:
every change of committed money is one conditional UPDATE the database checks atomically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from ...extensions import db
from ...models import Match, Need, Offer, User
from ...models.base import utcnow
from ...models.matches import LIVE_STATUSES
from ...permissions import (
    can_answer_match,
    can_cancel_match,
    can_change_match_amount,
    can_complete_match,
    can_confirm_delivery,
    can_correct_completion,
    can_decide_matches,
    match_side,
)
from ..errors import Conflict, DomainError, Forbidden, NotFound
from ..money import wan_text
from ..platform import audit, notifications
from . import decisions, figures, index_read, ranking, requests


@dataclass(frozen=True)
class Decision:
    """A coordinator's decision on a pair; the score is computed when it is recorded."""

    need_id: int
    offer_id: int
    status: str  # "confirmed" or "rejected"
    amount_yuan: int = 0
    note: str = ""


def _load_pair(d: Decision) -> tuple[Need, Offer]:
    need, offer = db.session.get(Need, d.need_id), db.session.get(Offer, d.offer_id)
    fields: dict[str, list[str]] = {}
    if need is None or need.status != "published":
        fields["need_id"] = ["需求不存在或未发布。"]
    if offer is None or offer.status != "published":
        fields["offer_id"] = ["供给不存在或未发布。"]
    if fields:
        raise DomainError.from_fields(fields)
    return need, offer


def live_match(need_id: int, offer_id: int) -> Match | None:
    return db.session.scalar(select(Match).where(
        Match.need_id == need_id, Match.offer_id == offer_id,
        Match.status.in_(LIVE_STATUSES)))


def _move_money(item: Need | Offer, delta: int) -> bool:
    """Add ``delta`` to the item's committed_yuan if the result stays within [0, budget],
    in one UPDATE the database evaluates atomically (no read-modify-write race)."""
    model = type(item)
    new = model.committed_yuan + delta
    result = db.session.execute(
        update(model)
        .where(model.id == item.id, new <= model.budget_yuan, new >= 0)
        .values(committed_yuan=new, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(item, ["committed_yuan", "updated_at"])
    return result.rowcount == 1


def decide(d: Decision, *, by: User, ip: str | None = None) -> Match:
    """Record a coordinator's decision on a pair: confirm (commits money) or reject. The
    pair's score, factors and reasons are computed now and kept with the match (the record
    of why it was chosen); the page, the API and 建议方案 all decide through here."""
    if not can_decide_matches(by):
        raise Forbidden("只有协调员可以确认或否决对接。")
    if d.status not in ("confirmed", "rejected"):
        raise DomainError("状态须为 confirmed 或 rejected。", fields={"status": ["无效状态。"]})
    need, offer = _load_pair(d)
    if live_match(need.id, offer.id) is not None:
        raise Conflict("该需求与供给已有进行中的对接。")
    shown = index_read.shown_for_need(need, decisions.SHOWN)  # before scoring may fit a model
    scored = ranking.score_pair(need, offer)
    match = Match(need_id=need.id, offer_id=offer.id, status=d.status, note=d.note.strip(),
                  score=scored.get("score"), factors=scored.get("factors") or {},
                  reasons=list(scored.get("reasons", ())), decided_by_id=by.id, amount_yuan=0,
                  shown_offer_ids=shown)
    if d.status == "confirmed":
        for org in (need.organisation, offer.organisation):
            if org.status == "suspended":
                raise Conflict(f"“{org.name}”已暂停，不能确认对接。")
        if d.amount_yuan <= 0:
            raise DomainError("对接金额必须大于 0。", fields={"amount_yuan": ["必须大于 0。"]})
        # The caller's transaction is rolled back on Conflict, undoing a half move.
        if not _move_money(offer, d.amount_yuan):
            raise Conflict(f"供给剩余资金不足：剩余 {wan_text(offer.remaining_yuan)} 万元，"
                           f"拟对接 {wan_text(d.amount_yuan)} 万元。")
        if not _move_money(need, d.amount_yuan):
            raise Conflict(f"对接金额超过需求尚未落实的资金：尚缺 {wan_text(need.uncommitted_yuan)}"
                           f" 万元，拟对接 {wan_text(d.amount_yuan)} 万元。")
        match.amount_yuan = d.amount_yuan
    db.session.add(match)
    db.session.flush()
    audit.record(f"match.{d.status}", user=by, entity=match, ip=ip, changes={
        "need_id": [None, need.id], "offer_id": [None, offer.id],
        "amount_yuan": [None, match.amount_yuan], "status": [None, d.status]})
    notifications.match_event(match, d.status)
    requests.settle(match, by=by, ip=ip)  # an open 申请对接 for the pair is done/declined
    return match


def side_of(user: User, match: Match) -> str | None:
    """'need' or 'offer' when ``user`` may act for that side of ``match``, else None."""
    return match_side(user, match) if can_answer_match(user, match) else None


def actions_for(user: User, match: Match) -> frozenset[str]:
    """What ``user`` may do to ``match`` now: accept, decline, complete, cancel,
    change_amount, confirm_delivery, dispute_delivery, correct."""
    side, actions = side_of(user, match), set()
    if side and match.status == "confirmed":
        actions.add("decline")
        if not getattr(match, f"{side}_accepted_at"):
            actions.add("accept")
    if match.status == "accepted" and can_complete_match(user, match):
        actions.add("complete")
    if match.status in ("confirmed", "accepted") and can_cancel_match(user, match):
        actions.add("cancel")
    if match.is_live and can_change_match_amount(user, match):
        actions.add("change_amount")
    if match.status == "completed":
        if match.delivery_status == "pending" and can_confirm_delivery(user, match):
            actions.update(("confirm_delivery", "dispute_delivery"))
        if can_correct_completion(user, match):
            actions.add("correct")
    return frozenset(actions)


NEXT_STEP_ACCEPTED = {
    "need": "双方已接受。请按计划实施，完成后在此报告完成情况（实际到位资金、完成日期）。",
    "offer": "双方已接受。请按约定拨付资金；需求方报告完成后，请在此确认到位资金。",
}
SIDE_LABELS = {"need": "需求方", "offer": "供给方"}


def next_step(user: User, match: Match) -> str | None:
    """What happens next on ``match``, in plain words for ``user``'s side (the need's or
    the offer's); for others (coordinators) who still has to act. None when nothing is
    pending on an answer (declined, cancelled, rejected, completed)."""
    side = match_side(user, match)
    if match.status == "accepted":
        if side:
            return NEXT_STEP_ACCEPTED[side]
        return "双方已接受，等待需求方报告完成情况。"
    if match.status != "confirmed":
        return None
    waiting = [s for s in ("need", "offer") if not getattr(match, f"{s}_accepted_at")]
    who = "和".join(SIDE_LABELS[s] for s in waiting)
    if side in waiting:
        other = [s for s in waiting if s != side]
        text = "协调员已确认此对接，请在此接受或谢绝（谢绝须填写理由）。"
        if other:
            return text + f"还需{SIDE_LABELS[other[0]]}接受。"
        return text + f"{SIDE_LABELS['offer' if side == 'need' else 'need']}已接受。"
    if side:
        return f"您方已接受，等待{who}接受。"
    return f"协调员已确认此对接，等待{who}接受。"


def _transition(match: Match, to: str, *, by: User, ip: str | None, **changes) -> Match:
    before = match.status
    releases = before in LIVE_STATUSES and to not in LIVE_STATUSES
    if releases and not (_move_money(match.offer, -match.amount_yuan)
                         and _move_money(match.need, -match.amount_yuan)):
        raise Conflict("释放资金失败，请刷新后重试。")
    match.status = to
    for key, value in changes.items():
        setattr(match, key, value)
    db.session.flush()
    audit.record(f"match.{to}", user=by, entity=match, ip=ip,
                 changes={"status": [before, to]} | {k: [None, v] for k, v in changes.items()})
    notifications.match_event(match, to)
    return match


def lock(match_id: int) -> Match:
    """Load a match holding its row lock: the touching UPDATE takes the row lock on
    PostgreSQL and SQLite's writer lock, so two sides acting at once are serialised."""
    touched = db.session.execute(
        update(Match).where(Match.id == match_id).values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    match = db.session.get(Match, match_id, populate_existing=True)
    if not touched or match is None:
        raise NotFound("对接记录不存在。")
    return match


def accept(match_id: int, *, by: User, ip: str | None = None) -> Match:
    """One side accepts; once both have, the match is ``accepted``. Twice is harmless."""
    match = lock(match_id)
    side = side_of(by, match)
    if side is None:
        raise Forbidden("只有对接双方单位可以接受。")
    already = match.status == "confirmed" and getattr(match, f"{side}_accepted_at")
    if match.status == "accepted" or already:
        return match
    if match.status != "confirmed":
        raise Conflict(f"对接当前为“{match.status_label}”，不能接受。")
    setattr(match, f"{side}_accepted_at", utcnow())
    audit.record("match.accept", user=by, entity=match, ip=ip, changes={"side": [None, side]})
    if match.need_accepted_at and match.offer_accepted_at:
        return _transition(match, "accepted", by=by, ip=ip)
    db.session.flush()
    return match


def decline(match_id: int, *, by: User, note: str = "", ip: str | None = None) -> Match:
    """A side declines before both have accepted; the money is released."""
    match = lock(match_id)
    if side_of(by, match) is None:
        raise Forbidden("只有对接双方单位可以谢绝。")
    if match.status == "accepted":
        raise Conflict("双方均已接受，不能再谢绝；如需撤销请联系协调员。")
    if match.status != "confirmed":
        raise Conflict(f"对接当前为“{match.status_label}”，不能谢绝。")
    return _transition(match, "declined", by=by, ip=ip,
                       note=(match.note + "\n谢绝理由：" + note.strip()).strip())


def complete(match_id: int, *, by: User, completed_on: date | None = None,
             delivered_yuan: int | None = None, result_text: str = "",
             ip: str | None = None) -> Match:
    """The recipient reports delivery of an accepted match: ``completed_on`` (default today,
    Beijing time) lies between the confirmation date and today, ``delivered_yuan`` (default
    the match's amount) is at most the amount. The offer side then confirms or disputes."""
    match = lock(match_id)
    if not can_complete_match(by, match):
        raise Forbidden("只有受援方单位可以报告完成。")
    if match.status != "accepted":
        raise Conflict(f"对接当前为“{match.status_label}”，双方接受后才能报告完成。")
    completed_on = completed_on or figures.beijing_today()
    delivered_yuan = match.amount_yuan if delivered_yuan is None else delivered_yuan
    figures.check_figures(match, completed_on, delivered_yuan)
    return _transition(match, "completed", by=by, ip=ip, completed_on=completed_on,
                       delivered_yuan=delivered_yuan, result_text=result_text.strip(),
                       delivery_status="pending")


def cancel(match_id: int, *, by: User, note: str = "", ip: str | None = None) -> Match:
    """A coordinator undoes a confirmed or accepted match; the money is released."""
    match = lock(match_id)
    if not can_cancel_match(by, match):
        raise Forbidden("只有协调员可以撤销对接。")
    if match.status not in ("confirmed", "accepted"):
        raise Conflict(f"对接当前为“{match.status_label}”，不能撤销。")
    return _transition(match, "cancelled", by=by, ip=ip,
                       note=(match.note + "\n撤销理由：" + note.strip()).strip())
