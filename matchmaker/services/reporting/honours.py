"""表彰 list: supporting organisations ranked by delivered money and completed projects."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from ...extensions import db
from ...models import Match, Need, Offer, Organisation, Region
from ..matching.figures import beijing_today
from .counted import counted_delivery
from .dashboard import RowPage, paginate_rows


def valid_year(text: str | None) -> int | None:
    """A year between 2000 and this year (Beijing time) from a query arg, else None."""
    ok = text and text.isascii() and text.isdigit()
    return int(text) if ok and 2000 <= int(text) <= beijing_today().year else None


def _where(year: int | None, organisation_id: int | None = None) -> list:
    """Confirmed delivery of verified organisations (see ``counted``), in ``year``."""
    conds = counted_delivery()
    if year:
        conds += [Match.completed_on >= date(year, 1, 1), Match.completed_on <= date(year, 12, 31)]
    if organisation_id is not None:
        conds.append(Offer.organisation_id == organisation_id)
    return conds


def _select(year: int | None, organisation_id: int | None = None):
    delivered = func.coalesce(func.sum(Match.delivered_yuan), 0).label("delivered")
    completed = func.count(Match.id).label("completed")
    return (
        select(Organisation.id, Organisation.name, Organisation.kind, Organisation.uscc,
               delivered, completed, func.count(func.distinct(Need.region_code)).label("places"))
        .join(Offer, Offer.organisation_id == Organisation.id)
        .join(Match, Match.offer_id == Offer.id)
        .join(Need, Need.id == Match.need_id)
        .where(*_where(year, organisation_id))
        .group_by(Organisation.id, Organisation.name, Organisation.kind, Organisation.uscc)
        .order_by(delivered.desc(), completed.desc(), Organisation.name)
    )


def _row(rank: int, r) -> dict[str, Any]:
    return {"rank": rank, "id": r[0], "name": r[1], "kind": r[2], "uscc": r[3],
            "delivered": int(r[4]), "completed": r[5], "places": r[6]}


def ranking_page(year: int | None, page: int = 1, per_page: int = 25) -> RowPage:
    """One page of the ranking; ``rank`` counts from the top of the whole list."""
    result = paginate_rows(_select(year), page, per_page)
    start = (result.page - 1) * per_page
    result.items = [_row(start + i + 1, r) for i, r in enumerate(result.items)]
    return result


def ranking(year: int | None, limit: int = 5000) -> list[dict[str, Any]]:
    return [_row(i + 1, r) for i, r in enumerate(db.session.execute(
        _select(year).limit(limit)).all())]


def certificate(organisation_id: int, year: int | None) -> dict[str, Any] | None:
    """Figures for one organisation's certificate, or None when it completed nothing."""
    row = db.session.execute(_select(year, organisation_id)).first()
    if row is None:
        return None
    figures = _row(0, row)
    figures["regions"] = list(db.session.scalars(
        select(Region.name).where(Region.code.in_(
            select(Need.region_code).join(Match, Match.need_id == Need.id)
            .join(Offer, Offer.id == Match.offer_id).where(*_where(year, organisation_id))))
        .order_by(Region.code).limit(12)))
    return figures


def years() -> list[int]:
    """Years with counted deliveries up to this year (Beijing time), newest first (for the
    filter); never a year in the future."""
    this_year = beijing_today().year
    first = db.session.scalar(select(func.min(Match.completed_on)).where(*counted_delivery()))
    if first is None or first.year > this_year:
        return [this_year]
    return list(range(this_year, first.year - 1, -1))
