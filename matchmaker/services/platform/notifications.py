"""In-app notifications for the match lifecycle (unread count in the navigation)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update

from ...extensions import db
from ...models import Match, Need, Notification, Offer, User
from ...models.base import utcnow
from ...permissions import coordinators_clause, org_users_clause
from ..money import wan_text
from . import mailer


def to_users(users: Iterable[User], text: str, link: str = "") -> None:
    """A notification for each active user, and an e-mail (a background job sent after the
    commit) when SMTP is configured."""
    recipients = list({u.id: u for u in users if u.active}.values())
    for user in recipients:
        db.session.add(Notification(user_id=user.id, text=text[:500], link=link[:200]))
    mailer.queue(db.session(), [u.email for u in recipients], "援藏援疆项目对接平台通知",
                 f"{text}\n\n详情：{link}\n（请登录平台查看；本邮件由系统发送。）")


def _org_users(*organisation_ids: int) -> list[User]:
    return db.session.scalars(select(User).where(
        User.organisation_id.in_(organisation_ids), User.active.is_(True),
        org_users_clause(User.role))).all()


def _coordinators() -> list[User]:
    return db.session.scalars(select(User).where(coordinators_clause(User.role),
                                                 User.active.is_(True))).all()


MESSAGES = {
    "confirmed": ("协调员确认了对接：{pair}，{amount} 万元，请接受或谢绝。", "both"),
    "accepted": ("对接双方均已接受：{pair}，请按计划实施。", "both"),
    "declined": ("对接被谢绝：{pair}，资金已释放。", "both+coordinators"),
    "completed": ("对接已报告完成：{pair}，实际到位 {delivered} 万元。", "both+coordinators"),
    "cancelled": ("协调员撤销了对接：{pair}，资金已释放。", "both"),
    "delivery_confirmed": ("供给方确认了到位资金：{pair}，{delivered} 万元。", "both"),
    "delivery_disputed": ("供给方对到位资金提出异议：{pair}，等待协调员更正。",
                          "both+coordinators"),
    "corrected": ("协调员更正了完成情况：{pair}，实际到位 {delivered} 万元。", "both"),
    "amount_changed": ("协调员调整了对接金额：{pair}，现为 {amount} 万元。", "both"),
}


def match_event(match: Match, status: str) -> None:
    """Tell the two organisations (and for some events the coordinators) what happened."""
    if status not in MESSAGES:
        return
    template, audience = MESSAGES[status]
    text = template.format(pair=f"“{match.need.title}” ⇄ “{match.offer.title}”",
                           amount=wan_text(match.amount_yuan),
                           delivered=wan_text(match.delivered_yuan or 0))
    users = _org_users(match.need.organisation_id, match.offer.organisation_id)
    if audience.endswith("coordinators"):
        users = [*users, *_coordinators()]
    to_users(users, text, f"/matches/{match.id}")


def match_request_event(req, event: str) -> None:
    """申请对接: a new request tells the coordinators (it is in their work queue); a declined
    one, or one ended because its need or offer closed, tells the asker why; a done one
    tells the asker the pair was confirmed."""
    pair = f"“{req.need.title}” ⇄ “{req.offer.title}”"
    if event == "open":
        to_users(_coordinators(), f"{req.organisation.name}申请对接：{pair}。",
                 "/matches/requests")
    elif event in ("declined", "ended"):
        said = "未被采纳" if event == "declined" else "已结束"
        to_users([req.requested_by], f"您的对接申请{said}：{pair}。理由：{req.decline_reason}",
                 f"/matches/{'need' if req.side == 'need' else 'offer'}/"
                 f"{req.need_id if req.side == 'need' else req.offer_id}")
    elif event == "done" and req.match_id:
        to_users([req.requested_by], f"您申请的对接已由协调员确认：{pair}。",
                 f"/matches/{req.match_id}")


def new_candidates(item: Need | Offer, count: int, best: Need | Offer) -> None:
    """新的推荐: ``count`` new candidates for ``item`` (``best`` the highest scored), to its
    organisation's users and the coordinators, linking to its candidates page."""
    if isinstance(item, Need):
        text = f"有 {count} 条新的推荐供给：需求“{item.title}”，如供给“{best.title}”。"
        link = f"/matches/need/{item.id}"
    else:
        text = f"有 {count} 条新的推荐需求：供给“{item.title}”，如需求“{best.title}”。"
        link = f"/matches/offer/{item.id}"
    to_users([*_org_users(item.organisation_id), *_coordinators()], text, link)


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(user: User, limit: int = 50) -> list[Notification]:
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id.desc()).limit(limit)).all()


def mark_all_read(user: User) -> None:
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
