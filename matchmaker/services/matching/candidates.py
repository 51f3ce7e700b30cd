"""What the coordinator's candidate pages show: ranked pairs with the rows behind them,
filtered by sector, province and minimum score."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import Need, Offer, Region
from ..params import bounded_decimal
from . import ranking


@dataclass(frozen=True)
class CandidateFilters:
    sector: str = ""  # parent or child code: the candidate must have a sector under it
    province: str = ""  # recipient province (needs) / supporter province (offers)
    min_score: float = 0.0
    widen: bool = False

    @classmethod
    def from_args(cls, args) -> CandidateFilters:
        """Build from query arguments; junk or out-of-range values are ignored."""
        # Screens show scores 0–100; the ranking works in 0–1.
        min_score = bounded_decimal(args.get("min_score"), Decimal(0), Decimal(100))
        return cls(sector="".join(c for c in args.get("sector", "") if "0" <= c <= "9")[:8],
                   province=args.get("province", "")[:12],
                   widen=args.get("widen") == "1",
                   min_score=float(min_score or 0) / 100)


def default_amount(need: Need, offer: Offer) -> int:
    """The smaller of the need's uncommitted and the offer's remaining money."""
    return max(0, min(need.uncommitted_yuan, offer.remaining_yuan))


def _province(code: str | None) -> str | None:
    region = db.session.get(Region, code) if code else None
    return region.province_code if region else None


def _rows(found: list[dict], model, key: str, fixed: dict, f: CandidateFilters, limit: int,
          sector_codes, province_of) -> list[dict[str, Any]]:
    """Join ranked candidates to their rows (one query) and apply the page's filters."""
    items = {x.id: x for x in db.session.scalars(
        select(model).where(model.id.in_([c[key] for c in found])))}
    rows = []
    for c in found:
        item = items[c[key]]
        if c["score"] < f.min_score:
            continue
        if f.sector and not any(code.startswith(f.sector) for code in sector_codes(item)):
            continue
        if f.province and province_of(item) != f.province:
            continue
        pair = {**fixed, key[:-3]: item}
        rows.append({**c, **pair, "default_amount": default_amount(pair["need"], pair["offer"])})
    return rows[:limit]


def for_need(need: Need, f: CandidateFilters, limit: int = 20) -> list[dict[str, Any]]:
    """Ranked offers for ``need`` with their Offer rows, filtered (province: supporter's)."""
    found = ranking.candidates_for_need(need, limit=200, widen=f.widen)
    return _rows(found, Offer, "offer_id", {"need": need}, f, limit,
                 lambda o: o.sector_codes, lambda o: _province(o.organisation.region_code))


def for_offer(offer: Offer, f: CandidateFilters, limit: int = 20) -> list[dict[str, Any]]:
    """Ranked needs for ``offer`` with their Need rows, filtered (province: recipient's)."""
    found = ranking.candidates_for_offer(offer, limit=200, widen=f.widen)
    return _rows(found, Need, "need_id", {"offer": offer}, f, limit,
                 lambda n: [n.sector_code], lambda n: n.region.province_code)
