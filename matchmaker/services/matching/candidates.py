"""What the coordinator's candidate pages show: ranked pairs with the rows behind them,
filtered by sector, province and minimum score. Read from the match index; ``widen``
(offers outside their target regions, not indexed) is ranked on demand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import Need, Offer, Region
from ..params import bounded_decimal
from . import index_read, ranking


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


@dataclass
class CandidatePage:
    rows: list[dict[str, Any]]
    computed_at: datetime | None  # None: ranked just now (widen) or nothing to show


def default_amount(need: Need, offer: Offer) -> int:
    """The smaller of the need's uncommitted and the offer's remaining money."""
    return max(0, min(need.uncommitted_yuan, offer.remaining_yuan))


def _province(code: str | None) -> str | None:
    region = db.session.get(Region, code) if code else None
    return region.province_code if region else None


def _widened(found: list[dict], model, key: str, f: CandidateFilters, limit: int,
             sector_codes, province_of) -> list[dict[str, Any]]:
    """Join on-demand candidates to their rows (one query) and apply the page's filters."""
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
        rows.append({**c, "item": item})
    return rows[:limit]


def _paired(rows: list[dict], fixed: dict, side: str) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        pair = {**fixed, side: row.pop("item")}
        out.append({**row, **pair, "default_amount": default_amount(pair["need"], pair["offer"])})
    return out


def for_need(need: Need, f: CandidateFilters, limit: int = 20) -> CandidatePage:
    """Ranked offers for ``need`` with their Offer rows, filtered (province: supporter's)."""
    if f.widen:
        found = ranking.candidates_for_need(need, limit=200, widen=True)
        rows = _widened(found, Offer, "offer_id", f, limit, lambda o: o.sector_codes,
                        lambda o: _province(o.organisation.region_code))
        return CandidatePage(_paired(rows, {"need": need}, "offer"), None)
    rows, at = index_read.for_need(need, sector=f.sector, province=f.province,
                                   min_score=f.min_score, limit=limit)
    return CandidatePage(_paired(rows, {"need": need}, "offer"), at)


def for_offer(offer: Offer, f: CandidateFilters, limit: int = 20) -> CandidatePage:
    """Ranked needs for ``offer`` with their Need rows, filtered (province: recipient's)."""
    if f.widen:
        found = ranking.candidates_for_offer(offer, limit=200, widen=True)
        rows = _widened(found, Need, "need_id", f, limit, lambda n: [n.sector_code],
                        lambda n: n.region.province_code)
        return CandidatePage(_paired(rows, {"offer": offer}, "need"), None)
    rows, at = index_read.for_offer(offer, sector=f.sector, province=f.province,
                                    min_score=f.min_score, limit=limit)
    return CandidatePage(_paired(rows, {"offer": offer}, "need"), at)
