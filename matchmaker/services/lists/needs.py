"""Needs (项目需求清单): validation, creation, editing. Status changes live in ``listing``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from ...models import Need, Organisation, User
from ..money import wan_text
from ..platform import audit
from ..reference.regions import RegionIndex, normalise_text
from .rules import (
    Errors,
    SectorIndex,
    add_error,
    check_budget,
    check_common,
    create_item,
    parse_budget_and_dates,
    record_update,
)

#: Raw input keys (forms use them as field names; imports map sheet headers to them).
FIELDS = ("title", "sector", "region", "budget_wan", "beneficiaries", "start_date", "end_date",
          "description", "contact_name", "contact_phone")


@dataclass(frozen=True)
class NeedData:
    title: str
    sector_code: str
    region_code: str
    budget_yuan: int
    beneficiaries: int | None
    start_date: date | None
    end_date: date | None
    description: str
    contact_name: str
    contact_phone: str


def clean(raw: dict[str, Any], org: Organisation, regions: RegionIndex,
          sectors: SectorIndex) -> tuple[NeedData | None, Errors]:
    """Turn raw strings (form or sheet row) into NeedData, or return every error found."""
    errors: Errors = {}
    values: dict[str, Any] = {
        "title": normalise_text(raw.get("title")),
        "description": str(raw.get("description") or "").strip(),
        "contact_name": normalise_text(raw.get("contact_name")),
        "contact_phone": normalise_text(raw.get("contact_phone")).replace(" ", ""),
    }
    sector = sectors.resolve(str(raw.get("sector") or ""))
    if sector is None:
        add_error(errors, "sector", "领域必填。" if not raw.get("sector")
                  else f"未知领域：“{normalise_text(raw.get('sector'))}”。")
    values["sector_code"] = sector.code if sector else ""

    resolved = regions.resolve(str(raw.get("region") or ""))
    if resolved.error:
        add_error(errors, "region", resolved.error)
    elif not regions.within(resolved.code, org.region_code):
        name = regions.regions[resolved.code].name
        add_error(errors, "region",
                  f"“{name}”不在本单位辖区内，只能填写本单位所在地区或其下辖县市。")
    values["region_code"] = resolved.code or ""

    parse_budget_and_dates(raw, values, errors)
    values["beneficiaries"] = _parse_count(raw.get("beneficiaries"), errors)
    check_common(values, errors)
    if errors:
        return None, errors
    return NeedData(**values), errors


def _parse_count(value: Any, errors: Errors) -> int | None:
    text = normalise_text(value).replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        add_error(errors, "beneficiaries", "受益人数应为整数。")
        return None
    if number < 0 or number != int(number) or number > 1e9:
        add_error(errors, "beneficiaries", "受益人数应为不小于 0 的整数。")
        return None
    return int(number)


def create(org: Organisation, data: NeedData, *, by: User | None, status: str = "draft",
           ip: str | None = None) -> Need:
    """Create a need for ``org`` (published only when the organisation is verified)."""
    values = asdict(data)
    return create_item(Need, org, values, by=by, status=status, ip=ip, audit_values=values)


def update(need: Need, data: NeedData, *, by: User | None, ip: str | None = None) -> dict:
    """Apply new values; the budget may not fall below what is already committed."""
    check_budget(need, data.budget_yuan, "资金需求")
    changes = audit.diff(need, asdict(data))
    for field, (_, after) in changes.items():
        setattr(need, field, after)
    return record_update(need, changes, by=by, ip=ip)


def as_raw(need: Need) -> dict[str, Any]:
    """The raw form values of an existing need (for edit forms)."""
    return {
        "title": need.title, "sector": need.sector_code, "region": need.region_code,
        "budget_wan": wan_text(need.budget_yuan), "beneficiaries": need.beneficiaries,
        "start_date": need.start_date, "end_date": need.end_date,
        "description": need.description, "contact_name": need.contact_name,
        "contact_phone": need.contact_phone,
    }
