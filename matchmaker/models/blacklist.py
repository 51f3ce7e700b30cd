"""非法社会组织名单 entries and the screening hits that await a coordinator's review."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .organisations import Organisation
from .users import User

LIST_TYPES = {"suspected": "涉嫌非法社会组织名单", "banned": "取缔名单", "other": "其他名单"}
HIT_KINDS = {"uscc": "信用代码相同", "exact": "名称相同", "similar": "名称近似",
             "special_name": "特殊名称"}
HIT_STATUSES = {"open": "待复核", "cleared": "已排除", "suspended": "已暂停单位"}


class BlacklistEntry(db.Model):
    __tablename__ = "blacklist_entries"
    __table_args__ = (
        CheckConstraint("list_type IN ('suspected', 'banned', 'other')", name="list_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: The normalised name core used for matching (see services/screening.py).
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    list_type: Mapped[str] = mapped_column(String(12))
    batch_label: Mapped[str] = mapped_column(String(120), default="")
    publisher: Mapped[str] = mapped_column(String(120), default="")
    published_on: Mapped[date | None] = mapped_column(Date)
    source_url: Mapped[str] = mapped_column(String(500), default="")
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def list_type_label(self) -> str:
        return LIST_TYPES.get(self.list_type, self.list_type)

    def __repr__(self) -> str:
        return f"<BlacklistEntry {self.id} {self.name}>"


class ScreeningHit(db.Model):
    """One reason to look at an organisation again: a list entry it resembles, or a
    special name (中国/中华/全国/国际/世界) used without national registration."""

    __tablename__ = "screening_hits"
    __table_args__ = (
        CheckConstraint("kind IN ('uscc', 'exact', 'similar', 'special_name')", name="kind"),
        CheckConstraint("status IN ('open', 'cleared', 'suspended')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("blacklist_entries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    score: Mapped[float] = mapped_column(Float, default=1.0)
    #: The name screened, kept as evidence even if the organisation is renamed.
    screened_name: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()
    entry: Mapped[BlacklistEntry | None] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        return HIT_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return HIT_STATUSES.get(self.status, self.status)
