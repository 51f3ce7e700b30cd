"""Gap analysis: where needs are still unmet (aggregates in SQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import Need, Offer, Organisation, Pairing, Region, Sector
from ...models.base import utcnow
from .dashboard import (
    RowPage,
    Scope,
    names,
    paginate_rows,
    prefecture_of,
    sector_parent,
)

OLD_NEED_DAYS = 30


def _gap_select(scope: Scope):
    region, sector = aliased(Region), aliased(Sector)
    pref, parent = prefecture_of(region).label("prefecture"), sector_parent(sector).label("sector")
    gap = func.sum(Need.budget_yuan - Need.committed_yuan).label("gap")
    return (
        select(pref, parent, func.count(Need.id).label("needs"),
               func.sum(Need.budget_yuan).label("budget"),
               func.sum(Need.committed_yuan).label("committed"), gap)
        .join(region, region.code == Need.region_code)
        .join(sector, sector.code == Need.sector_code)
        .where(Need.status == "published", *scope.place(region),
               *scope.period(Need.published_at))
        .group_by(pref, parent)
        .having(func.sum(Need.budget_yuan - Need.committed_yuan) > 0)
        .order_by(gap.desc(), pref, parent)
    )


def _labelled(rows) -> list[dict[str, Any]]:
    regions = names({r[0] for r in rows})
    sectors = names({r[1] for r in rows}, Sector)
    return [{"prefecture": p, "prefecture_name": regions.get(p, p), "sector": s,
             "sector_name": sectors.get(s, s), "needs": n, "budget": int(b),
             "committed": int(c), "gap": int(g)} for p, s, n, b, c, g in rows]


def gap_page(scope: Scope, page: int = 1, per_page: int = 25) -> RowPage:
    """Unmet gap (need minus committed) per prefecture and parent sector, largest first."""
    result = paginate_rows(_gap_select(scope), page, per_page)
    result.items = _labelled(result.items)
    return result


def gap_rows(scope: Scope, limit: int = 5000) -> list[dict[str, Any]]:
    """All gap rows (for downloads)."""
    return _labelled(db.session.execute(_gap_select(scope).limit(limit)).all())


def gap_by_prefecture(scope: Scope) -> dict[str, int]:
    """Unmet gap per prefecture / 兵团 division code (for the tile map)."""
    region = aliased(Region)
    pref = prefecture_of(region).label("prefecture")
    return {p: int(g) for p, g in db.session.execute(
        select(pref, func.sum(Need.budget_yuan - Need.committed_yuan))
        .join(region, region.code == Need.region_code)
        .where(Need.status == "published", *scope.place(region),
               *scope.period(Need.published_at))
        .group_by(pref))}


def old_uncommitted(scope: Scope, page: int = 1, per_page: int = 25):
    """Published needs older than 30 days with nothing committed, oldest first."""
    region = aliased(Region)
    cutoff = utcnow() - timedelta(days=OLD_NEED_DAYS)
    stmt = (select(Need).join(region, region.code == Need.region_code)
            .where(Need.status == "published", Need.committed_yuan == 0,
                   Need.published_at < cutoff, *scope.place(region),
                   *scope.period(Need.published_at))
            .order_by(Need.published_at, Need.id))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def silent_partner_regions(scope: Scope) -> list[dict[str, Any]]:
    """Recipient regions with official 对口支援 partners none of whose organisations (any
    organisation located in the partner province) has posted an offer."""
    org_region, recipient = aliased(Region), aliased(Region)
    posted = exists(
        select(Offer.id).join(Organisation, Organisation.id == Offer.organisation_id)
        .join(org_region, org_region.code == Organisation.region_code)
        .where(Offer.status != "draft",
               org_region.province_code == Pairing.supporter_region_code))
    rows = db.session.execute(
        select(Pairing.recipient_region_code, recipient.name,
               func.count(func.distinct(Pairing.supporter_region_code)))
        .join(recipient, recipient.code == Pairing.recipient_region_code)
        .where(Pairing.active.is_(True), Pairing.supporter_region_code.is_not(None),
               *scope.place(recipient))
        .group_by(Pairing.recipient_region_code, recipient.name)
        .having(func.sum(case((posted, 1), else_=0)) == 0)
        .order_by(Pairing.recipient_region_code)
    ).all()
    partners: dict[str, list[str]] = {}
    for code, name in db.session.execute(
        select(Pairing.recipient_region_code, Pairing.supporter_name)
        .where(and_(Pairing.active.is_(True), Pairing.supporter_region_code.is_not(None),
                    Pairing.recipient_region_code.in_([r[0] for r in rows])))
        .order_by(Pairing.supporter_name)
    ):
        partners.setdefault(code, []).append(name)
    return [{"code": c, "name": n, "partner_count": k, "partners": "、".join(partners.get(c, []))}
            for c, n, k in rows]
