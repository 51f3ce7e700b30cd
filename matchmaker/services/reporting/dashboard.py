"""Coordinator dashboard figures: needs, offers and the match funnel (aggregates in SQL).

Every figure is a GROUP BY over the database; Python only merges a handful of grouped rows.
Money is integer yuan. ``Scope`` narrows everything to a recipient province and a period.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, cast, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.types import DateTime

from ...extensions import db
from ...models import Match, Need, Offer, Organisation, Region, Sector
from ...models.regions import RECIPIENT_PROVINCES
from ..matching.figures import beijing_today
from ..reference.choices import region_name
from .counted import counted_delivery

PROVINCE_LABELS = {"540000": "西藏", "650000": "新疆", "XJBT00": "兵团"}
DIMENSIONS = {"province": "受援省区", "prefecture": "地州市／师", "sector": "领域"}
_PREFECTURE = re.compile(r"^(?:\d{6}|XJBT\d{2})$")
NEED_COLUMNS = ["发布需求（个）", "需求金额", "已落实（个）", "已落实金额", "已完成对接（个）",
                "实际到位金额"]


@dataclass(frozen=True)
class Scope:
    """Which recipient province (or one prefecture / 兵团 师) and which period the figures
    cover (empty = all)."""

    province: str = ""
    date_from: date | None = None
    date_to: date | None = None
    prefecture: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Scope:
        """Read ``province``, ``from``, ``to`` and ``year`` from query args; ignore bad values."""
        province = args.get("province", "")
        start, end = _date(args.get("from", "")), _date(args.get("to", ""))
        year = args.get("year", "")
        if year.isdigit() and 2000 <= int(year) <= 2100:
            start, end = date(int(year), 1, 1), date(int(year), 12, 31)
        if start and end and end < start:
            start, end = end, start
        prefecture = args.get("prefecture", "")
        return cls(province if province in RECIPIENT_PROVINCES else "", start, end,
                   prefecture if _PREFECTURE.match(prefecture) else "")

    def args(self) -> dict[str, str]:
        """The scope as query args (for links and downloads)."""
        out = {"province": self.province, "from": self.date_from.isoformat()
               if self.date_from else "", "to": self.date_to.isoformat() if self.date_to else "",
               "prefecture": self.prefecture}
        return {k: v for k, v in out.items() if v}

    @property
    def label(self) -> str:
        place = PROVINCE_LABELS.get(self.province, "西藏、新疆、兵团")
        if self.prefecture:
            place = self.prefecture_name
        if not (self.date_from or self.date_to):
            return f"{place} · 全部时间"
        return f"{place} · {self.date_from or '…'} 至 {self.date_to or '…'}"

    def period(self, column) -> list:
        """Conditions keeping ``column`` (a date or datetime) inside the period."""
        conds = []
        if self.date_from:
            conds.append(column >= datetime.combine(self.date_from, datetime.min.time()))
        if self.date_to:
            conds.append(column < datetime.combine(self.date_to + timedelta(days=1),
                                                   datetime.min.time()))
        return conds

    @property
    def prefecture_name(self) -> str:
        """The chosen prefecture's / 师's name ('' when none is chosen)."""
        if not self.prefecture:
            return ""
        return names([self.prefecture]).get(self.prefecture, "未知地区")

    def place(self, region) -> list:
        conds = [region.province_code == self.province] if self.province else [
            region.province_code.in_(RECIPIENT_PROVINCES)]
        if self.prefecture:
            conds.append(prefecture_of(region) == self.prefecture)
        return conds


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


@dataclass
class RowPage:
    """A page of grouped rows, with the attributes the ``pager`` macro reads."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)

    def iter_pages(self):
        for n in range(1, self.pages + 1):
            if n <= 2 or n > self.pages - 2 or abs(n - self.page) <= 2:
                yield n
            elif n in (3, self.pages - 2):
                yield None


def paginate_rows(stmt: Select, page: int, per_page: int = 25) -> RowPage:
    """Run ``stmt`` for one page (``page`` clamped to the range) and count all its rows."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = min(max(page, 1), max(1, math.ceil(total / per_page)))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return RowPage(list(rows), page, per_page, total)


def prefecture_of(region) -> Any:
    """SQL: the prefecture (or 兵团 division) code of a region row; its province above that."""
    return case((region.level == "county", region.parent_code),
                (region.level.in_(("prefecture", "division")), region.code),
                else_=region.province_code)


def sector_parent(sector) -> Any:
    return func.coalesce(sector.parent_code, sector.code)


def _dim_key(dimension: str, region, sector) -> Any:
    return {"province": region.province_code, "prefecture": prefecture_of(region),
            "sector": sector_parent(sector)}[dimension]


def names(codes, model=Region) -> dict[str, str]:
    """Names of regions (or sectors) by code, in one query."""
    codes = [c for c in codes if c]
    if not codes:
        return {}
    rows = db.session.execute(select(model.code, model.name).where(model.code.in_(codes))).all()
    return {code: region_name(name) if model is Region else name for code, name in rows}


def needs_by(dimension: str, scope: Scope) -> list[dict[str, Any]]:
    """Needs posted / committed / delivered (count and yuan) grouped by ``dimension``."""
    region, sector = aliased(Region), aliased(Sector)
    key = _dim_key(dimension, region, sector).label("key")
    base = [Need.status != "draft", *scope.place(region), *scope.period(Need.published_at)]
    posted = db.session.execute(
        select(key, func.count(Need.id), func.sum(Need.budget_yuan),
               func.sum(case((Need.committed_yuan > 0, 1), else_=0)),
               func.sum(Need.committed_yuan))
        .join(region, region.code == Need.region_code).join(sector, sector.code == Need.sector_code)
        .where(*base).group_by(key)
    ).all()
    delivered = {
        row[0]: row[1:] for row in db.session.execute(
            select(key, func.count(Match.id), func.coalesce(func.sum(Match.delivered_yuan), 0))
            .join(Need, Need.id == Match.need_id)
            .join(region, region.code == Need.region_code)
            .join(sector, sector.code == Need.sector_code)
            .where(*counted_delivery(), *base).group_by(key))
    }
    labels = PROVINCE_LABELS if dimension == "province" else names(
        [r[0] for r in posted], Sector if dimension == "sector" else Region)
    rows = [{"key": k, "label": labels.get(k, k or "未细分"), "posted_n": n, "posted": int(b or 0),
             "committed_n": int(cn or 0), "committed": int(c or 0),
             "delivered_n": delivered.get(k, (0, 0))[0],
             "delivered": int(delivered.get(k, (0, 0))[1])} for k, n, b, cn, c in posted]
    return sorted(rows, key=lambda r: (-r["posted"], str(r["key"])))


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Column sums of ``needs_by`` rows (a few dozen grouped rows at most)."""
    fields = ("posted_n", "posted", "committed_n", "committed", "delivered_n", "delivered")
    return {f: sum(r[f] for r in rows) for f in fields}


def offers_by_kind(scope: Scope) -> list[dict[str, Any]]:
    """Offers (not drafts) by supporter kind: count, budget, committed and money left."""
    rows = db.session.execute(
        select(Organisation.kind, func.count(Offer.id), func.sum(Offer.budget_yuan),
               func.sum(Offer.committed_yuan),
               func.sum(case((Offer.status == "published",
                              Offer.budget_yuan - Offer.committed_yuan), else_=0)))
        .join(Organisation, Organisation.id == Offer.organisation_id)
        .where(Offer.status != "draft", *scope.period(Offer.published_at))
        .group_by(Organisation.kind)
    ).all()
    labels = {"bureau": "对口支援地政府部门", "social_org": "社会组织"}
    return [{"key": k, "label": labels.get(k, k), "count": n, "budget": int(b or 0),
             "committed": int(c or 0), "remaining": int(r or 0)} for k, n, b, c, r in rows]


def days_between(later, earlier) -> Any:
    """SQL: fractional days from ``earlier`` to ``later`` on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", cast(later, DateTime) - cast(earlier, DateTime)) / 86400.0


def _median(expr, *where) -> float | None:
    """SQL median of ``expr`` over the matches satisfying ``where`` (window functions)."""
    values = select(expr.label("d")).where(*where).subquery()
    ranked = select(values.c.d, func.row_number().over(order_by=values.c.d).label("rn"),
                    func.count().over().label("n")).subquery()
    value = db.session.scalar(select(func.avg(ranked.c.d)).where(
        ranked.c.rn * 2 >= ranked.c.n, ranked.c.rn * 2 <= ranked.c.n + 2))
    return round(float(value), 1) if value is not None else None


def funnel(scope: Scope) -> list[dict[str, Any]]:
    """Confirmed → accepted → completed: how many matches reached each step, and the
    median days each step took (confirmation at ``created_at``, acceptance when the
    second side accepted, completion on ``completed_on``)."""
    region = aliased(Region)
    accepted_at = case((Match.need_accepted_at > Match.offer_accepted_at, Match.need_accepted_at),
                       else_=Match.offer_accepted_at)
    in_scope = Match.need_id.in_(select(Need.id).join(region, region.code == Need.region_code)
                                 .where(*scope.place(region)))
    base = [in_scope, Match.status != "rejected", *scope.period(Match.created_at)]
    both = [Match.need_accepted_at.is_not(None), Match.offer_accepted_at.is_not(None)]
    confirmed, accepted, completed, money = db.session.execute(
        select(func.count(Match.id),
               func.sum(case((Match.status.in_(("accepted", "completed")), 1), else_=0)),
               func.sum(case((Match.status == "completed", 1), else_=0)),
               func.coalesce(func.sum(Match.amount_yuan), 0)).where(*base)
    ).one()
    done = [*base, Match.status == "completed", Match.completed_on.is_not(None),
            Match.completed_on <= beijing_today()]
    return [
        {"step": "已确认对接", "count": confirmed or 0, "days": None, "amount": int(money or 0)},
        {"step": "双方已接受", "count": int(accepted or 0),
         "days": _median(days_between(accepted_at, Match.created_at), *base, *both)},
        {"step": "已完成", "count": int(completed or 0),
         "days": _median(days_between(Match.completed_on, accepted_at), *done, *both),
         "total_days": _median(days_between(Match.completed_on, Match.created_at), *done)},
    ]
