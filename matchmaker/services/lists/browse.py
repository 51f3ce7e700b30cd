"""Browsing the lists: visibility, search, filters and sorting as one SELECT."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ...models import Need, Offer, Region, Sector, User
from ...models.offers import offer_regions
from ..money import filter_wan
from ..params import bounded_id
from ..reference.regions import normalise_text

SORTS = {
    "new": ("最新发布", lambda m: [m.published_at.desc().nulls_last(), m.id.desc()]),
    "budget_desc": ("金额从高到低", lambda m: [m.budget_yuan.desc(), m.id.desc()]),
    "budget_asc": ("金额从低到高", lambda m: [m.budget_yuan.asc(), m.id.desc()]),
    "remaining": ("未落实资金最多", lambda m: [(m.budget_yuan - m.committed_yuan).desc(),
                                              m.id.desc()]),
}


@dataclass(frozen=True)
class Filters:
    q: str = ""
    sector: str = ""  # a sector code; a parent code matches its children
    region: str = ""  # a region code; matches it and everything below it
    status: str = ""
    min_wan: str = ""
    max_wan: str = ""
    organisation_id: int | None = None
    sort: str = "new"

    @classmethod
    def from_args(cls, args) -> Filters:
        return cls(
            q=normalise_text(args.get("q", ""))[:100],
            # Sector codes are digits: a parent ("01") prefixes its children ("0104").
            sector="".join(c for c in args.get("sector", "") if "0" <= c <= "9")[:8],
            region=args.get("region", "")[:12],
            status=args.get("status", "") if args.get("status") in
            ("draft", "published", "closed") else "",
            min_wan=args.get("min_wan", "")[:20],
            max_wan=args.get("max_wan", "")[:20],
            organisation_id=bounded_id(args.get("organisation_id")),
            sort=args.get("sort", "new") if args.get("sort") in SORTS else "new",
        )


def visible(model, user: User):
    """Published and closed items for everyone; drafts only for their organisation."""
    return or_(model.status != "draft", model.organisation_id == user.organisation_id)


def _region_below(code: str):
    """Regions equal to or under ``code`` (up to three levels)."""
    return or_(
        Region.code == code,
        Region.parent_code == code,
        Region.parent_code.in_(select(Region.code).where(Region.parent_code == code)),
    )


def browse(model, user: User, f: Filters) -> Select:
    """The SELECT for the list page and the export of ``model`` (Need or Offer)."""
    stmt = select(model).where(visible(model, user))
    for term in f.q.split():
        like = f"%{term}%"
        stmt = stmt.where(or_(model.title.like(like), model.description.like(like)))
    if f.status:
        stmt = stmt.where(model.status == f.status)
    if f.organisation_id:
        stmt = stmt.where(model.organisation_id == f.organisation_id)
    low, high = filter_wan(f.min_wan), filter_wan(f.max_wan)
    if low is not None:
        stmt = stmt.where(model.budget_yuan >= low)
    if high is not None:
        stmt = stmt.where(model.budget_yuan <= high)
    if model is Need:
        if f.sector:
            stmt = stmt.where(Need.sector_code.like(f"{f.sector}%"))
        if f.region:
            stmt = stmt.where(Need.region_code.in_(select(Region.code).where(
                _region_below(f.region))))
    else:
        if f.sector:
            stmt = stmt.where(Offer.sectors.any(Sector.code.like(f"{f.sector}%")))
        if f.region:
            targeted = exists().where(
                offer_regions.c.offer_id == Offer.id,
                offer_regions.c.region_code.in_(select(Region.code).where(
                    _region_below(f.region))),
            )
            open_to_all = ~exists().where(offer_regions.c.offer_id == Offer.id)
            stmt = stmt.where(or_(targeted, open_to_all))
    return stmt.order_by(*SORTS[f.sort][1](model))


def with_related(stmt: Select, model) -> Select:
    """``stmt`` loading what a page of ``model`` rows shows (organisation, sector, region;
    an offer's sectors and target regions) up front: a constant number of statements
    whatever the page size."""
    if model is Need:
        return stmt.options(joinedload(Need.organisation), joinedload(Need.sector),
                            joinedload(Need.region))
    return stmt.options(joinedload(Offer.organisation), selectinload(Offer.sectors),
                        selectinload(Offer.target_regions))
