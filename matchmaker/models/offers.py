"""Offers (项目供给): what a supporter can fund or run, for which sectors and regions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin
from .needs import LIST_STATUSES
from .organisations import Organisation
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


class Offer(TimestampMixin, db.Model):
    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("budget_yuan > 0", name="budget_positive"),
        CheckConstraint("committed_yuan >= 0", name="committed_nonnegative"),
        CheckConstraint("committed_yuan <= budget_yuan", name="committed_within_budget"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date", name="dates"
        ),
        CheckConstraint("status IN ('draft', 'published', 'closed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    budget_yuan: Mapped[int] = mapped_column(BigInteger)
    committed_yuan: Mapped[int] = mapped_column(BigInteger, default=0)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime)

    organisation: Mapped[Organisation] = relationship()
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

    @property
    def status_label(self) -> str:
        return LIST_STATUSES.get(self.status, self.status)

    def __repr__(self) -> str:
        return f"<Offer {self.id} {self.title}>"
