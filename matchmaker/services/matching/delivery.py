"""After completion: the offer side confirms or disputes the delivered figures, a
coordinator corrects a completion (which settles a dispute) or changes a live match's
amount. Only confirmed figures count in 表彰, certificates and 实际到位 totals."""

from __future__ import annotations

from datetime import date

from ...models import Match, User
from ...models.base import utcnow
from ...models.matches import LIVE_STATUSES
from ...permissions import can_change_match_amount, can_confirm_delivery, can_correct_completion
from ..errors import Conflict, DomainError, Forbidden
from ..money import wan_text
from ..platform import audit, notifications
from . import figures
from .lifecycle import _move_money, lock

MAX_NOTE = 2000


def _required(text: str, field: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(f"请填写{what}。", fields={field: ["必填。"]})
    if len(text) > MAX_NOTE:
        raise DomainError(f"{what}最多 {MAX_NOTE} 字。", fields={field: [f"最多 {MAX_NOTE} 字。"]})
    return text


def _completed(match_id: int, allowed, who: str, *, by: User) -> Match:
    match = lock(match_id)
    if not allowed(by, match):
        raise Forbidden(who)
    if match.status != "completed":
        raise Conflict(f"对接当前为“{match.status_label}”，尚未报告完成。")
    return match


def _answer(match: Match, status: str, *, by: User, ip: str | None, note: str = "") -> Match:
    before = match.delivery_status
    match.delivery_status, match.dispute_note = status, note
    match.delivery_answered_by_id, match.delivery_answered_at = by.id, utcnow()
    audit.record(f"match.delivery_{status}", user=by, entity=match, ip=ip,
                 changes={"delivery_status": [before, status]}
                 | ({"dispute_note": [None, note]} if note else {}))
    notifications.match_event(match, f"delivery_{status}")
    return match


def confirm_delivery(match_id: int, *, by: User, ip: str | None = None) -> Match:
    """The offer side confirms the reported figures. Confirming twice is harmless."""
    match = _completed(match_id, can_confirm_delivery, "只有供给方单位可以确认到位资金。", by=by)
    if match.delivery_status == "confirmed":
        return match
    if match.delivery_status == "disputed":
        raise Conflict("已提出异议，等待协调员更正。")
    return _answer(match, "confirmed", by=by, ip=ip)


def dispute_delivery(match_id: int, *, by: User, note: str, ip: str | None = None) -> Match:
    """The offer side disputes the reported figures (a note is required); the match goes
    to the coordinators' work queue."""
    match = _completed(match_id, can_confirm_delivery, "只有供给方单位可以对到位资金提出异议。",
                       by=by)
    note = _required(note, "note", "异议说明")
    if match.delivery_status != "pending":
        raise Conflict(f"到位资金当前为“{match.delivery_label}”，不能再提出异议。")
    return _answer(match, "disputed", by=by, ip=ip, note=note)


def correct_completion(match_id: int, *, by: User, completed_on: date, delivered_yuan: int,
                       reason: str, ip: str | None = None) -> Match:
    """A coordinator corrects a completion's date and delivered money (same limits as the
    report), with a reason; the figures are then confirmed (a dispute is settled)."""
    match = _completed(match_id, can_correct_completion, "只有协调员可以更正完成情况。", by=by)
    reason = _required(reason, "reason", "更正理由")
    figures.check_figures(match, completed_on, delivered_yuan)
    changes = {"completed_on": [match.completed_on, completed_on],
               "delivered_yuan": [match.delivered_yuan, delivered_yuan],
               "delivery_status": [match.delivery_status, "confirmed"], "reason": [None, reason]}
    match.completed_on, match.delivered_yuan = completed_on, delivered_yuan
    match.delivery_status = "confirmed"
    match.delivery_answered_by_id, match.delivery_answered_at = by.id, utcnow()
    audit.record("match.corrected", user=by, entity=match, ip=ip, changes=changes)
    notifications.match_event(match, "corrected")
    return match


def change_amount(match_id: int, *, by: User, amount_yuan: int, ip: str | None = None) -> Match:
    """A coordinator raises or lowers a live match's amount. The difference moves through
    the same conditional UPDATE as a confirmation: 409 when the offer's remaining money or
    the need's uncommitted money is too small. A completed match's amount never drops
    below its delivered money."""
    match = lock(match_id)
    if not can_change_match_amount(by, match):
        raise Forbidden("只有协调员可以调整对接金额。")
    if match.status not in LIVE_STATUSES:
        raise Conflict(f"对接当前为“{match.status_label}”，不能调整金额。")
    if amount_yuan <= 0:
        raise DomainError("对接金额必须大于 0。", fields={"amount_yuan": ["必须大于 0。"]})
    if match.delivered_yuan is not None and amount_yuan < match.delivered_yuan:
        raise DomainError(
            f"对接金额不能低于已报告的实际到位资金 {wan_text(match.delivered_yuan)} 万元。",
            fields={"amount_yuan": ["低于实际到位资金。"]})
    before, delta = match.amount_yuan, amount_yuan - match.amount_yuan
    if delta == 0:
        return match
    # The caller's transaction is rolled back on Conflict, undoing a half move.
    if not _move_money(match.offer, delta):
        raise Conflict(f"供给剩余资金不足：剩余 {wan_text(match.offer.remaining_yuan)} 万元，"
                       f"拟增加 {wan_text(delta)} 万元。")
    if not _move_money(match.need, delta):
        raise Conflict(f"对接金额超过需求尚未落实的资金：尚缺 "
                       f"{wan_text(match.need.uncommitted_yuan)} 万元，"
                       f"拟增加 {wan_text(delta)} 万元。")
    match.amount_yuan = amount_yuan
    audit.record("match.amount_changed", user=by, entity=match, ip=ip,
                 changes={"amount_yuan": [before, amount_yuan]})
    notifications.match_event(match, "amount_changed")
    return match
