"""Offers (项目供给): what a supporter can fund or run, for which sectors and regions."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Table
from sqlalchemy.orm import Mapped, relationship

from ..extensions import db
from .listing import ListItemMixin
from .regions import Region
from .sectors import Sector

offer_sectors = Table(
    "offer_sectors",
    db.metadata,
    Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_code", ForeignKey("sectors.code"), primary_key=True),
)

offer_regions = Table(
    "offer_regions",
    db.metadata,
    Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True),
    Column("region_code", ForeignKey("regions.code"), primary_key=True),
)


class Offer(ListItemMixin, db.Model):
    __tablename__ = "offers"

    sectors: Mapped[list[Sector]] = relationship(secondary=offer_sectors, order_by=Sector.code)
    #: Empty means "any recipient region".
    target_regions: Mapped[list[Region]] = relationship(
        secondary=offer_regions, order_by=Region.code
    )

    @property
    def remaining_yuan(self) -> int:
        return self.budget_yuan - self.committed_yuan

    @property
    def sector_codes(self) -> list[str]:
        return [s.code for s in self.sectors]

    @property
    def target_region_codes(self) -> list[str]:
        return [r.code for r in self.target_regions]

    def __repr__(self) -> str:
        return f"<Offer {self.id} {self.title}>"
