"""Needs (项目需求): what a recipient region asks for."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .listing import LIST_STATUSES, ListItemMixin
from .regions import Region
from .sectors import Sector

__all__ = ["LIST_STATUSES", "Need"]


class Need(ListItemMixin, db.Model):
    __tablename__ = "needs"

    sector_code: Mapped[str] = mapped_column(ForeignKey("sectors.code"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    beneficiaries: Mapped[int | None] = mapped_column(
        Integer,
        CheckConstraint("beneficiaries IS NULL OR beneficiaries >= 0", name="beneficiaries"),
    )

    sector: Mapped[Sector] = relationship()
    region: Mapped[Region] = relationship()

    @property
    def uncommitted_yuan(self) -> int:
        return self.budget_yuan - self.committed_yuan

    def __repr__(self) -> str:
        return f"<Need {self.id} {self.title}>"
