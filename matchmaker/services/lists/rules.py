"""Rules shared by needs and offers: parsing 万元, phones and dates, validating the common
fields, and the status lifecycle (draft → published ⇄ closed; only drafts are deleted)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from ...extensions import db
from ...models import Match, Organisation, Sector, User
from ...models.base import utcnow
from ...permissions import org_may_act
from ..errors import Conflict, DomainError, Forbidden
from ..money import parse_wan, wan_text
from ..platform import audit
from ..reference.regions import normalise_text

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")
_SECTOR_SPLIT = re.compile(r"[、,，;；/\s]+")

Errors = dict[str, list[str]]


def add_error(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def parse_date(value: Any) -> date | None:
    """A date from a date, datetime, '2027-03-01', '2027/3/1', '2027年3月1日' or Excel serial."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return date.fromordinal(date(1899, 12, 30).toordinal() + int(value))
        raise ValueError("日期数值超出范围。")
    text = normalise_text(value)
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return parse_date(float(text))
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        raise ValueError(f"日期“{text}”格式不正确，请写作 2027-03-01。")
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError(f"日期“{text}”不存在。") from None


def valid_phone(phone: str) -> bool:
    return bool(_MOBILE.match(phone) or _LANDLINE.match(phone))


def parse_budget_and_dates(raw: dict[str, Any], values: dict[str, Any], errors: Errors) -> None:
    """``budget_wan`` → ``budget_yuan`` and the two dates, each error beside its field."""
    try:
        values["budget_yuan"] = parse_wan(raw.get("budget_wan"))
    except ValueError as exc:
        add_error(errors, "budget_wan", str(exc))
    for field in ("start_date", "end_date"):
        try:
            values[field] = parse_date(raw.get(field))
        except ValueError as exc:
            add_error(errors, field, str(exc))
            values[field] = None


def check_common(values: dict[str, Any], errors: Errors) -> None:
    """Validate title, description, dates and contact phone (shared by needs and offers)."""
    title = values.get("title") or ""
    if not title:
        add_error(errors, "title", "项目名称必填。")
    elif len(title) > TITLE_MAX:
        add_error(errors, "title", f"项目名称最多 {TITLE_MAX} 字（现为 {len(title)} 字）。")
    if len(values.get("description") or "") > DESCRIPTION_MAX:
        add_error(errors, "description", f"项目简介最多 {DESCRIPTION_MAX} 字。")
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        add_error(errors, "end_date", "结束日期不能早于开始日期。")
    phone = values.get("contact_phone") or ""
    if phone and not valid_phone(phone):
        add_error(errors, "contact_phone",
                  "联系电话应为手机号（如 13812345678）或带区号的固定电话（如 0891-6332211）。")
    if len(values.get("contact_name") or "") > 60:
        add_error(errors, "contact_name", "联系人最多 60 字。")


class SectorIndex:
    """Sector look-ups by code or name."""

    def __init__(self) -> None:
        sectors = list(db.session.scalars(select(Sector)))
        self.by_code = {s.code: s for s in sectors}
        self.by_name = {s.name: s for s in sectors}

    def resolve(self, text: str) -> Sector | None:
        value = normalise_text(text)
        return self.by_code.get(value) or self.by_name.get(value)

    def resolve_many(self, text: str) -> tuple[list[Sector], list[str]]:
        found, unknown = [], []
        for part in _SECTOR_SPLIT.split(normalise_text(text)):
            if part:
                sector = self.resolve(part)
                (found.append(sector) if sector else unknown.append(part))
        return list(dict.fromkeys(found)), unknown


def ensure_org_may_act(org: Organisation) -> None:
    """Items of a pending or suspended organisation are neither created, changed nor
    published (``permissions.org_may_act`` decides)."""
    if not org_may_act(org):
        raise Forbidden("本单位尚未通过审核或已暂停，不能录入、修改或发布项目。")


#: The status lifecycle of a need or offer: status → (action, target status, button label).
TRANSITIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "draft": (("publish", "published", "发布"),),
    "published": (("close", "closed", "关闭"),),
    "closed": (("reopen", "published", "重新发布"),),
}


def transitions(item: Any) -> tuple[tuple[str, str, str], ...]:
    """The status changes open to ``item`` now: (action, target status, label)."""
    return TRANSITIONS.get(item.status, ())


def target_status(item: Any, action: str) -> str | None:
    """The status ``action`` (publish / close / reopen) moves ``item`` to, if allowed."""
    return next((to for name, to, _ in transitions(item) if name == action), None)


def set_status(item: Any, status: str, *, by: User | None, ip: str | None = None) -> None:
    """Move a need or offer through draft → published ⇄ closed."""
    if status == item.status:
        return
    if status not in {to for _, to, _ in transitions(item)}:
        raise Conflict(f"不能从“{item.status_label}”改为该状态。")
    if status == "published":
        ensure_org_may_act(item.organisation)
        if item.published_at is None:
            item.published_at = utcnow()
    audit.record(f"{type(item).__name__.lower()}.status", user=by, entity=item, ip=ip,
                 organisation_id=item.organisation_id, changes={"status": [item.status, status]})
    item.status = status
    db.session.flush()
    if status == "closed":  # its open 申请对接 can no longer be confirmed: they end
        from ..matching import requests as match_requests  # matching builds on lists

        match_requests.end_for_closed(item, by=by, ip=ip)


def has_matches(item: Any) -> bool:
    column = Match.need_id if type(item).__name__ == "Need" else Match.offer_id
    return bool(db.session.scalar(select(func.count(Match.id)).where(column == item.id)))


def delete_item(item: Any, *, by: User | None, ip: str | None = None) -> None:
    """Delete a draft that has no matches."""
    if item.status != "draft":
        raise Conflict("只能删除草稿；已发布的项目请关闭。")
    if has_matches(item):
        raise Conflict("该项目已有对接记录，不能删除。")
    audit.record(f"{type(item).__name__.lower()}.delete", user=by, entity=item, ip=ip,
                 organisation_id=item.organisation_id, changes={"title": [item.title, None]})
    db.session.delete(item)
    db.session.flush()


def raise_if(errors: Errors) -> None:
    """Refuse with every field's messages at once, if there are any."""
    if errors:
        raise DomainError.from_fields(errors)


def create_item(model, org: Organisation, columns: dict[str, Any], *, by: User | None,
                status: str, ip: str | None, audit_values: dict[str, Any], relate=None):
    """Create a need or offer for ``org`` (an organisation in good standing), with
    ``relate(item)`` setting relationships, and record it."""
    ensure_org_may_act(org)
    item = model(organisation=org, committed_yuan=0, status=status, created_by_id=by and by.id,
                 published_at=utcnow() if status == "published" else None, **columns)
    if relate is not None:
        relate(item)
    db.session.add(item)
    db.session.flush()
    audit.record(f"{model.__name__.lower()}.create", user=by, entity=item, ip=ip,
                 organisation_id=org.id,
                 changes={k: [None, v] for k, v in audit_values.items()} | {
                     "status": [None, status]})
    return item


def check_budget(item: Any, budget_yuan: int, label: str) -> None:
    """A budget may not fall below the money already committed to matches."""
    if budget_yuan < item.committed_yuan:
        committed = wan_text(item.committed_yuan)
        raise_if({"budget_wan": [f"{label}不能少于已承诺的 {committed} 万元。"]})


def record_update(item: Any, changes: dict, *, by: User | None, ip: str | None) -> dict:
    """Record an edit of a need or offer (when anything changed)."""
    ensure_org_may_act(item.organisation)
    if changes:
        audit.record(f"{type(item).__name__.lower()}.update", user=by, entity=item, ip=ip,
                     organisation_id=item.organisation_id, changes=changes)
        db.session.flush()
    return changes


def default_contact(user: User) -> tuple[str, str]:
    """联系人 and 联系电话 offered on a new need/offer: the organisation's contact, else the
    user's own name (users have no phone of their own)."""
    org = getattr(user, "organisation", None)
    name = (org.contact_name if org is not None else "") or user.display_name or ""
    return name, (org.contact_phone if org is not None else "") or ""
