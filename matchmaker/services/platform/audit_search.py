"""Searching and exporting the audit log (read-only: events are never edited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select

from ...extensions import db
from ...models import AuditEvent, Organisation, User
from ..localtime import BEIJING, format_datetime
from ..params import bounded_id
from ..sheets import writer
from . import audit
from .audit_format import ENTITY_LABELS, format_changes
from .audit_history import ACTION_LABELS, name_actors

RESULT_LABELS = {"success": "成功", "failure": "失败", "denied": "拒绝"}
EXPORT_LIMIT = 50_000
EXPORT_HEADERS = ["时间（北京时间）", "操作人", "IP", "操作", "对象类型", "对象编号", "单位",
                  "结果", "变更（前 → 后）"]


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()) if text else None
    except ValueError:
        return None


def _id(text: str | None) -> int | None:
    return bounded_id(text)


@dataclass(frozen=True)
class AuditFilters:
    organisation_id: int | None = None
    user: str = ""
    entity_type: str = ""
    entity_id: str = ""
    action: str = ""
    result: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args) -> AuditFilters:
        """Build from query-string arguments; unusable values are ignored."""
        return cls(
            organisation_id=_id(args.get("organisation")),
            user=(args.get("user") or "").strip()[:100],
            entity_type=(args.get("entity") or "").strip()[:30],
            entity_id=(args.get("entity_id") or "").strip()[:40],
            action=(args.get("action") or "").strip()[:40],
            result=args.get("result") if args.get("result") in RESULT_LABELS else "",
            date_from=_date(args.get("from")), date_to=_date(args.get("to")),
        )

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in vars(self).items()
                if v not in (None, "")}


def _utc_start(day: date) -> datetime:
    """The stored (naive UTC) time at which ``day`` begins in Beijing."""
    return datetime.combine(day, time.min, tzinfo=BEIJING).astimezone(UTC).replace(tzinfo=None)


def query(f: AuditFilters):
    """Events matching ``f``, newest first."""
    stmt = select(AuditEvent)
    if f.organisation_id:
        stmt = stmt.where(AuditEvent.organisation_id == f.organisation_id)
    if f.user:  # 操作人: part of the recorded e-mail or of the user's name
        named = select(User.id).where(User.display_name.contains(f.user, autoescape=True))
        stmt = stmt.where(or_(AuditEvent.actor.contains(f.user.lower(), autoescape=True),
                              AuditEvent.user_id.in_(named)))
    if f.entity_type:
        stmt = stmt.where(AuditEvent.entity_type == f.entity_type)
    if f.entity_id:
        stmt = stmt.where(AuditEvent.entity_id == f.entity_id)
    if f.action:
        stmt = stmt.where(AuditEvent.action.startswith(f.action, autoescape=True))
    if f.result:
        stmt = stmt.where(AuditEvent.result == f.result)
    if f.date_from:
        start = _utc_start(f.date_from)
        stmt = stmt.where(AuditEvent.created_at >= start)
    if f.date_to:
        end = _utc_start(f.date_to + timedelta(days=1))
        stmt = stmt.where(AuditEvent.created_at < end)
    return stmt.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def choices() -> dict[str, list]:
    """Values offered by the filter form."""
    return {
        "entities": db.session.scalars(select(AuditEvent.entity_type).distinct().where(
            AuditEvent.entity_type.is_not(None)).order_by(AuditEvent.entity_type)).all(),
        "actions": db.session.scalars(select(AuditEvent.action).distinct()
                                      .order_by(AuditEvent.action)).all(),
        "organisations": db.session.execute(select(Organisation.id, Organisation.name)
                                            .order_by(Organisation.name)).all(),
    }


def _actor(e: AuditEvent) -> str:
    """姓名（邮箱） for a known user; the recorded actor otherwise (系统, a failed login's
    e-mail)."""
    return e.actor_name if e.actor_name in (e.actor, "系统") else f"{e.actor_name}（{e.actor}）"


def export_xlsx(f: AuditFilters, *, by: User, ip: str | None = None) -> tuple[bytes, int]:
    """The filtered events as .xlsx bytes; the export itself is audited (个保法)."""
    events = db.session.scalars(query(f).limit(EXPORT_LIMIT)).all()
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    name_actors(events)
    rows = [[format_datetime(e.created_at, seconds=True), _actor(e), e.ip or "",
             ACTION_LABELS.get(e.action, e.action),
             ENTITY_LABELS.get(e.entity_type, e.entity_type or ""), e.entity_id or "",
             names.get(e.organisation_id, ""),
             RESULT_LABELS.get(e.result, e.result), format_changes(e.changes)] for e in events]
    audit.record("audit.export", user=by, ip=ip,
                 changes={"filters": f.as_dict(), "rows": len(rows)})
    data = writer.write_xlsx([("审计日志", EXPORT_HEADERS, rows)],
                             text_columns=["对象编号", "IP"])
    return data, len(rows)
