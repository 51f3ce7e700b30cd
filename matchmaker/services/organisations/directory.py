"""Organisations: creation and lookups."""

from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import Organisation, Region, User
from ...models.organisations import LEGAL_FORMS, ORG_KINDS, ORG_STATUSES
from ..errors import Conflict, DomainError
from ..platform import audit
from . import namematch, screening, uscc


def get_by_name(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name.strip()))


def create_organisation(
    *,
    name: str,
    kind: str,
    region_code: str | None,
    uscc_code: str | None = None,
    legal_form: str | None = None,
    status: str = "verified",
    by: User | None = None,
    **details: str | bool,
) -> tuple[Organisation, list[str]]:
    """Create an organisation; return it with any warnings (e.g. legal form mismatch).

    ``details`` may set registration_authority, is_charity, has_public_fundraising and
    the contact fields.
    """
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["名称必填。"]
    if kind not in ORG_KINDS:
        errors["kind"] = ["类型须为 bureau（政府部门）或 social_org（社会组织）。"]
    if status not in ORG_STATUSES:
        errors["status"] = ["状态须为 pending、verified 或 suspended。"]
    if legal_form is not None and legal_form not in LEGAL_FORMS:
        errors["legal_form"] = [f"组织形式须为 {'、'.join(LEGAL_FORMS)} 之一。"]
    if kind == "social_org" and not legal_form:
        errors["legal_form"] = ["社会组织须填写组织形式。"]
    if region_code and db.session.get(Region, region_code) is None:
        errors["region"] = [f"未知地区代码：{region_code}。"]
    code = uscc.normalise(uscc_code) if uscc_code else None
    if code:
        problem = uscc.validate(code)
        if problem:
            errors["uscc"] = [problem]
    if details.get("has_public_fundraising") and not details.get("is_charity"):
        errors["has_public_fundraising"] = ["具有公开募捐资格的须为慈善组织。"]
    if errors:
        raise DomainError.from_fields(errors)
    if get_by_name(name) is not None:
        raise Conflict(f"单位“{name}”已存在。", fields={"name": ["单位已存在。"]})
    if code and db.session.scalar(select(Organisation.id).where(Organisation.uscc == code)):
        raise Conflict(
            f"统一社会信用代码 {code} 已被其他单位使用。", fields={"uscc": ["已被使用。"]}
        )
    warnings = [w for w in [uscc.legal_form_warning(code or "", legal_form),
                            namematch.special_name_warning(name, kind, code)] if w]
    org = Organisation(
        name=name,
        kind=kind,
        region_code=region_code or None,
        uscc=code,
        legal_form=legal_form,
        status=status,
        **details,
    )
    db.session.add(org)
    db.session.flush()
    audit.record(
        "organisation.create",
        user=by,
        entity=org,
        organisation_id=org.id,
        changes={"name": [None, name], "status": [None, status]},
    )
    hits = screening.screen_organisation(org)
    if any(h.kind != "special_name" for h in hits):
        warnings.append("该单位名称或信用代码与非法社会组织名单相似，已转协调员复核。")
    return org, warnings
