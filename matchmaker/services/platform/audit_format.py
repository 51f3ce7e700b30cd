"""Audit changes in words a clerk reads: Chinese field labels, 万元 for money, sector and
region names for codes, lists joined with 、, nested values flattened."""

from __future__ import annotations

from datetime import date, datetime

from flask import g, has_app_context
from sqlalchemy import select

from ...extensions import db
from ...models import Need, Offer, Organisation, Region, Sector
from ...models.listing import LIST_STATUSES
from ...models.match_requests import REQUEST_STATUSES
from ...models.matches import DELIVERY_STATUSES, MATCH_STATUSES
from ...models.organisations import ORG_KINDS, ORG_STATUSES
from ...models.users import ROLES
from ..localtime import format_date, format_datetime
from ..money import wan_text

FIELD_LABELS = {
    "title": "标题", "description": "内容", "budget_yuan": "资金", "amount_yuan": "对接金额",
    "delivered_yuan": "到位资金", "committed_yuan": "已承诺资金", "start_date": "开始日期",
    "end_date": "结束日期", "status": "状态", "contact_name": "联系人",
    "contact_phone": "联系电话", "contact_email": "联系邮箱", "sector_code": "领域",
    "sector_codes": "领域", "region_code": "地区", "target_region_codes": "支援地区",
    "beneficiaries": "受益人数", "need_id": "需求", "offer_id": "供给",
    "side": "接受方", "reason": "原因", "note": "说明", "completed_on": "完成日期",
    "result_text": "成效", "delivery_status": "到位确认", "name": "名称", "kind": "类型",
    "uscc": "统一社会信用代码", "status_reason": "状态说明", "email": "邮箱", "role": "角色",
    "active": "启用", "sessions_ended": "结束会话数", "tokens_revoked": "吊销令牌数",
    "locked_until": "锁定至", "must_change_password": "须修改密码", "filters": "筛选条件",
    "rows": "行数", "format": "格式", "table": "表", "scope": "范围", "province": "省份",
    "from": "起", "to": "止", "organisation_id": "单位", "organisation": "单位",
    "user": "用户", "entity_type": "对象类型", "entity_id": "对象编号", "action": "操作",
    "result": "结果", "date_from": "起始日期", "date_to": "截止日期", "hits": "线索",
    "channel": "渠道", "path": "路径", "method": "方法", "weights": "评分权重",
    "verified": "已核实", "notes": "备注", "source": "来源", "level": "级别",
    "supporter_code": "支援方", "recipient_code": "受援地区", "dispute_note": "异议说明",
    "display_name": "姓名", "legal_form": "组织形式", "term": "同义词", "ndcg": "留出检验 NDCG@5",
    "adopted": "已启用",
    "match_id": "对接编号",
    "asking_side": "申请方", "flagged_matches": "涉及的进行中对接", "request_status": "申请状态",
}
VALUE_LABELS = {
    "status": {**ORG_STATUSES, **LIST_STATUSES, **MATCH_STATUSES},
    "delivery_status": DELIVERY_STATUSES, "role": ROLES,
    "side": {"need": "需求方", "offer": "供给方"},
    "asking_side": {"need": "需求方", "offer": "供给方"},
    "request_status": REQUEST_STATUSES,
    "reason": {"bad_password": "密码错误", "unknown_email": "邮箱未登记",
               "email_taken": "邮箱已被使用"},
    "channel": {"self_service": "自助注册"},
    "kind": ORG_KINDS,
}
ENTITY_LABELS = {"Need": "需求", "Offer": "供给", "Match": "对接", "Organisation": "单位",
                 "User": "用户", "Pairing": "对口支援关系", "Region": "地区",
                 "ScreeningHit": "筛查线索", "ApiToken": "访问令牌", "Concept": "项目类型",
                 "MatchRequest": "对接申请"}
SECTOR_FIELDS = {"sector_code", "sector_codes"}
#: Fields holding a row's id, shown by the row's title or name (its id when it is gone).
ID_FIELDS = {"need_id": (Need, "title"), "offer_id": (Offer, "title"),
             "organisation_id": (Organisation, "name")}
DATE_FIELDS = {"start_date", "end_date", "completed_on", "date_from", "date_to", "from", "to"}
REGION_FIELDS = {"region_code", "target_region_codes", "province", "recipient_code"}


def _names(model) -> dict[str, str]:
    key = f"_audit_names_{model.__tablename__}"
    if has_app_context() and key in g:
        return g.get(key)
    names = dict(db.session.execute(select(model.code, model.name)).all())
    if has_app_context():
        setattr(g, key, names)
    return names


def _title(field: str, value) -> str:
    """The title/name of the row ``value`` of an id field, cached per request."""
    model, attr = ID_FIELDS[field]
    key = f"_audit_title_{field}"
    cache = g.setdefault(key, {}) if has_app_context() else {}
    if value not in cache:
        ident = value if isinstance(value, int) and 0 < value < 2**63 else None
        row = db.session.get(model, ident) if ident else None
        cache[value] = getattr(row, attr) if row is not None else f"#{value}"
    return cache[value]


def show_value(field: str, value) -> str:
    """One value of ``field`` in words."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(show_value(field, v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{label(k)} {show_value(k, v)}" for k, v in value.items()
                        if v not in (None, "", [], {}))
    if isinstance(value, bool):
        return "是" if value else "否"
    if field in ID_FIELDS and isinstance(value, int):
        return _title(field, value)
    if field.endswith("_yuan") and isinstance(value, int | float):
        return f"{wan_text(int(value))} 万元"
    if field in SECTOR_FIELDS:
        return _names(Sector).get(str(value), str(value))
    if field in REGION_FIELDS:
        return _names(Region).get(str(value), str(value))
    if field in VALUE_LABELS:
        return VALUE_LABELS[field].get(str(value), str(value))
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if field in DATE_FIELDS and isinstance(value, str):
        try:  # stored as ISO text in the audit row
            return format_date(date.fromisoformat(value[:10]))
        except ValueError:
            return value
    return str(value)


def label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def _is_pair(key: str, value) -> bool:
    """``[before, after]``; a bare list of two codes is a value, not a change."""
    if not isinstance(value, list) or len(value) != 2:
        return False
    if key in SECTOR_FIELDS | REGION_FIELDS:
        return any(v is None or isinstance(v, list | tuple) for v in value)
    return True


def format_changes(changes: dict) -> str:
    """``{"budget_yuan": [None, 800000]}`` → ``资金：— → 80 万元``."""
    parts = []
    for key, value in (changes or {}).items():
        if _is_pair(key, value):
            parts.append(f"{label(key)}：{show_value(key, value[0])} → "
                         f"{show_value(key, value[1])}")
        else:
            parts.append(f"{label(key)}：{show_value(key, value)}")
    return "；".join(parts)
