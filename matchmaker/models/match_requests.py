"""申请对接: a side (the need's recipient or the offer's supporter) asks the coordinators to
pair its item with a recommended candidate. A coordinator confirms (the normal 确认对接,
which marks the request done) or declines it with a reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin
from .needs import Need
from .offers import Offer
from .organisations import Organisation
from .users import User

REQUEST_STATUSES = {"open": "待协调员处理", "done": "已确认对接", "declined": "协调员未采纳",
                    "ended": "已结束（项目已关闭）"}
REQUEST_SIDES = {"need": "需求方", "offer": "供给方"}
_OPEN_SQL = text("status = 'open'")


class MatchRequest(TimestampMixin, db.Model):
    __tablename__ = "match_requests"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'declined', 'ended')", name="status"),
        CheckConstraint("side IN ('need', 'offer')", name="side"),
        # One open request per need–offer pair, enforced by the database.
        Index("uq_match_requests_open_pair", "need_id", "offer_id", unique=True,
              sqlite_where=_OPEN_SQL, postgresql_where=_OPEN_SQL),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"),
                                          index=True)
    #: The side that asked: ``need`` (the recipient) or ``offer`` (the supporter).
    side: Mapped[str] = mapped_column(String(5))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id"))

    need: Mapped[Need] = relationship()
    offer: Mapped[Offer] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    organisation: Mapped[Organisation] = relationship()

    @property
    def status_label(self) -> str:
        return REQUEST_STATUSES.get(self.status, self.status)

    @property
    def side_label(self) -> str:
        return REQUEST_SIDES.get(self.side, self.side)

    def __repr__(self) -> str:
        return (f"<MatchRequest {self.id} need={self.need_id} offer={self.offer_id} "
                f"{self.status}>")
