"""Regions (GB/T 2260, plus 兵团 pseudo-codes) and official 对口支援 pairings."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

REGION_LEVELS = ("province", "prefecture", "county", "bingtuan", "division")
LEVEL_LABELS = {
    "province": "省级",
    "prefecture": "地级",
    "county": "县级",
    "bingtuan": "兵团",
    "division": "师",
}
#: Recipient "provinces" for scoring and dashboards: 西藏, 新疆 and 兵团 as its own unit.
RECIPIENT_PROVINCES = ("540000", "650000", "XJBT00")


class Region(db.Model):
    __tablename__ = "regions"
    __table_args__ = (
        CheckConstraint(
            "level IN ('province', 'prefecture', 'county', 'bingtuan', 'division')",
            name="level",
        ),
    )

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    level: Mapped[str] = mapped_column(String(12))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    #: Top of the tree this unit belongs to: a province code, or XJBT00 for 兵团.
    province_code: Mapped[str] = mapped_column(String(12), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Region | None] = relationship(remote_side=[code])

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    @property
    def is_recipient(self) -> bool:
        return self.province_code in RECIPIENT_PROVINCES

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"


class Pairing(db.Model):
    """An official supporter → recipient link; data admins correct, never code."""

    __tablename__ = "pairings"
    __table_args__ = (UniqueConstraint("supporter_name", "recipient_region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: As published: a province, a city such as 深圳市, or a central enterprise.
    supporter_name: Mapped[str] = mapped_column(String(120))
    #: The supporter's province when it is one (None for central enterprises).
    supporter_region_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), index=True
    )
    recipient_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    source_url: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    supporter_region: Mapped[Region | None] = relationship(foreign_keys=[supporter_region_code])
    recipient_region: Mapped[Region] = relationship(foreign_keys=[recipient_region_code])

    def __repr__(self) -> str:
        return f"<Pairing {self.supporter_name} → {self.recipient_region_code}>"
