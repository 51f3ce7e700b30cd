"""The two-level sector taxonomy (领域 › 子领域)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Sector(db.Model):
    __tablename__ = "sectors"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("sectors.code"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[Sector | None] = relationship(remote_side=[code])

    @property
    def full_name(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent else self.name

    def __repr__(self) -> str:
        return f"<Sector {self.code} {self.name}>"
