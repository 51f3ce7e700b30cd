"""Needs (项目需求): what a recipient region asks for."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin
from .organisations import Organisation
from .regions import Region
from .sectors import Sector

LIST_STATUSES = {"draft": "草稿", "published": "已发布", "closed": "已关闭"}


class Need(TimestampMixin, db.Model):
    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint("budget_yuan > 0", name="budget_positive"),
        CheckConstraint("committed_yuan >= 0", name="committed_nonnegative"),
        CheckConstraint("committed_yuan <= budget_yuan", name="committed_within_budget"),
        CheckConstraint("beneficiaries IS NULL OR beneficiaries >= 0", name="beneficiaries"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date", name="dates"
        ),
        CheckConstraint("status IN ('draft', 'published', 'closed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    sector_code: Mapped[str] = mapped_column(ForeignKey("sectors.code"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    budget_yuan: Mapped[int] = mapped_column(BigInteger)
    committed_yuan: Mapped[int] = mapped_column(BigInteger, default=0)
    beneficiaries: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime)

    organisation: Mapped[Organisation] = relationship()
    sector: Mapped[Sector] = relationship()
    region: Mapped[Region] = relationship()

    @property
    def uncommitted_yuan(self) -> int:
        return self.budget_yuan - self.committed_yuan

    @property
    def status_label(self) -> str:
        return LIST_STATUSES.get(self.status, self.status)

    def __repr__(self) -> str:
        return f"<Need {self.id} {self.title}>"
