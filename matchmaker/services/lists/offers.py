"""Offers (项目供给清单): validation, creation, editing. Status changes live in ``listing``."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from ...extensions import db
from ...models import Offer, Organisation, Region, Sector, User
from ...models.regions import RECIPIENT_PROVINCES
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

FIELDS = ("title", "sectors", "target_regions", "budget_wan", "start_date", "end_date",
          "description", "contact_name", "contact_phone")
_SPLIT = re.compile(r"[、,，;；\s]+")


@dataclass(frozen=True)
class OfferData:
    title: str
    sector_codes: tuple[str, ...]
    target_region_codes: tuple[str, ...]  # empty: any recipient region
    budget_yuan: int
    start_date: date | None
    end_date: date | None
    description: str
    contact_name: str
    contact_phone: str


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [normalise_text(v) for v in value if normalise_text(v)]
    return [p for p in _SPLIT.split(normalise_text(value)) if p]


def clean(raw: dict[str, Any], regions: RegionIndex,
          sectors: SectorIndex) -> tuple[OfferData | None, Errors]:
    """Turn raw strings (form or sheet row) into OfferData, or return every error found."""
    errors: Errors = {}
    values: dict[str, Any] = {
        "title": normalise_text(raw.get("title")),
        "description": str(raw.get("description") or "").strip(),
        "contact_name": normalise_text(raw.get("contact_name")),
        "contact_phone": normalise_text(raw.get("contact_phone")).replace(" ", ""),
    }
    found, unknown = [], []
    for part in _as_list(raw.get("sectors")):
        sector = sectors.resolve(part)
        (found.append(sector.code) if sector else unknown.append(part))
    if unknown:
        add_error(errors, "sectors", f"未知领域：{'、'.join(unknown)}。")
    elif not found:
        add_error(errors, "sectors", "至少选择一个领域。")
    values["sector_codes"] = tuple(dict.fromkeys(found))

    codes = []
    for part in _as_list(raw.get("target_regions")):
        resolved = regions.resolve(part)
        if resolved.error:
            add_error(errors, "target_regions", resolved.error)
        elif regions.regions[resolved.code].province_code not in RECIPIENT_PROVINCES:
            add_error(errors, "target_regions",
                      f"“{regions.regions[resolved.code].name}”不是受援地区（西藏、新疆、兵团）。")
        else:
            codes.append(resolved.code)
    values["target_region_codes"] = tuple(dict.fromkeys(codes))

    parse_budget_and_dates(raw, values, errors)
    check_common(values, errors)
    if errors:
        return None, errors
    return OfferData(**values), errors


def _columns(data: OfferData) -> dict[str, Any]:
    values = asdict(data)
    values.pop("sector_codes")
    values.pop("target_region_codes")
    return values


def _apply_relations(offer: Offer, data: OfferData) -> None:
    offer.sectors = [db.session.get(Sector, c) for c in data.sector_codes]
    offer.target_regions = [db.session.get(Region, c) for c in data.target_region_codes]


def create(org: Organisation, data: OfferData, *, by: User | None, status: str = "draft",
           ip: str | None = None) -> Offer:
    """Create an offer for ``org`` (published only when the organisation is verified)."""
    return create_item(Offer, org, _columns(data), by=by, status=status, ip=ip,
                       audit_values=asdict(data),
                       relate=lambda offer: _apply_relations(offer, data))


def update(offer: Offer, data: OfferData, *, by: User | None, ip: str | None = None) -> dict:
    """Apply new values; the budget may not fall below what is already committed."""
    check_budget(offer, data.budget_yuan, "可投入资金")
    changes = audit.diff(offer, _columns(data))
    for key, current in (("sector_codes", offer.sector_codes),
                         ("target_region_codes", offer.target_region_codes)):
        new = list(getattr(data, key))
        if sorted(current) != sorted(new):
            changes[key] = [current, new]
    for field, (_, after) in changes.items():
        if field not in ("sector_codes", "target_region_codes"):
            setattr(offer, field, after)
    _apply_relations(offer, data)
    db.session.flush()
    return record_update(offer, changes, by=by, ip=ip)


def as_raw(offer: Offer) -> dict[str, Any]:
    """The raw form values of an existing offer (for edit forms)."""
    return {
        "title": offer.title, "sectors": offer.sector_codes,
        "target_regions": offer.target_region_codes, "budget_wan": wan_text(offer.budget_yuan),
        "start_date": offer.start_date, "end_date": offer.end_date,
        "description": offer.description, "contact_name": offer.contact_name,
        "contact_phone": offer.contact_phone,
    }
