"""Admin corrections to reference data (pairings and regions marked unverified)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ...extensions import db
from ...models import Pairing, Region, User
from ..errors import DomainError
from ..platform import audit


@dataclass(frozen=True)
class PairingChange:
    supporter_region_code: str | None
    verified: bool
    active: bool
    source_url: str
    notes: str


@dataclass(frozen=True)
class RegionChange:
    name: str
    verified: bool
    notes: str


def update_pairing(pairing: Pairing, change: PairingChange, *, by: User, ip: str | None) -> dict:
    """Apply an admin's correction to a pairing; return what changed."""
    values = asdict(change)
    code = values["supporter_region_code"]
    if code is not None:
        region = db.session.get(Region, code)
        if region is None or region.level != "province":
            raise DomainError("支援方所在省份无效。",
                              fields={"supporter_region_code": ["请选择省级行政区。"]})
    changes = audit.diff(pairing, values)
    for field, (_, after) in changes.items():
        setattr(pairing, field, after)
    if changes:
        audit.record("pairing.update", user=by, entity=pairing, changes=changes, ip=ip)
    return changes


def update_region(region: Region, change: RegionChange, *, by: User, ip: str | None) -> dict:
    """Apply an admin's correction to a region; return what changed."""
    changes = audit.diff(region, asdict(change))
    for field, (_, after) in changes.items():
        setattr(region, field, after)
    if changes:
        audit.record("region.update", user=by, entity=region, changes=changes, ip=ip)
        db.session.flush()
    return changes


def pairings_query(*, province: str | None = None, verified: str | None = None, q: str = ""):
    """Pairings filtered for the list page, each with its recipient region and that
    region's parent loaded in the same statement."""
    stmt = select(Pairing).join(Pairing.recipient_region).options(
        contains_eager(Pairing.recipient_region).joinedload(Region.parent))
    if province:
        stmt = stmt.where(Region.province_code == province)
    if verified in ("yes", "no"):
        stmt = stmt.where(Pairing.verified.is_(verified == "yes"))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(Pairing.supporter_name.like(like) | Region.name.like(like))
    return stmt.order_by(Region.province_code, Pairing.supporter_name, Region.code)
