"""Matches (对接): one need–offer pairing with its score, amount and lifecycle."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin
from .needs import Need
from .offers import Offer

MATCH_STATUSES = {
    "confirmed": "已确认",
    "accepted": "双方已接受",
    "completed": "已完成",
    "rejected": "已否决",
    "declined": "已谢绝",
    "cancelled": "已撤销",
}
#: Statuses in which the match's amount is committed.
LIVE_STATUSES = ("confirmed", "accepted", "completed")
#: The offer side's answer to a reported delivery; only confirmed figures are counted.
DELIVERY_STATUSES = {"pending": "待供给方确认", "confirmed": "供给方已确认",
                     "disputed": "供给方有异议"}
_LIVE_SQL = text("status IN ('confirmed', 'accepted', 'completed')")


class Match(TimestampMixin, db.Model):
    __tablename__ = "matches"
    __table_args__ = (
        CheckConstraint(
            "status IN ('confirmed', 'accepted', 'completed', 'rejected', 'declined',"
            " 'cancelled')",
            name="status",
        ),
        CheckConstraint("amount_yuan >= 0", name="amount_nonnegative"),
        CheckConstraint(
            "status NOT IN ('confirmed', 'accepted', 'completed') OR amount_yuan > 0",
            name="live_amount_positive",
        ),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_range"),
        CheckConstraint("delivered_yuan IS NULL OR delivered_yuan >= 0", name="delivered"),
        CheckConstraint(
            "delivery_status IS NULL OR delivery_status IN ('pending', 'confirmed', 'disputed')",
            name="delivery_status",
        ),
        # One live match per need–offer pair, enforced by the database.
        Index(
            "uq_matches_live_pair",
            "need_id",
            "offer_id",
            unique=True,
            sqlite_where=_LIVE_SQL,
            postgresql_where=_LIVE_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    amount_yuan: Mapped[int] = mapped_column(BigInteger, default=0)
    score: Mapped[float | None] = mapped_column(Float)
    factors: Mapped[dict] = mapped_column(JSON, default=dict)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    #: The need's candidates (offer ids, best first) as its page showed them when the
    #: decision was recorded: what learning to rank counts as passed over. None for
    #: decisions recorded before it was kept (learning then recomputes them).
    shown_offer_ids: Mapped[list | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    need_accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    offer_accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_on: Mapped[date | None] = mapped_column(Date)
    delivered_yuan: Mapped[int | None] = mapped_column(BigInteger)
    result_text: Mapped[str] = mapped_column(Text, default="")
    #: Set when the match is completed: the offer side confirms or disputes the figures.
    delivery_status: Mapped[str | None] = mapped_column(String(10), index=True)
    delivery_answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delivery_answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    dispute_note: Mapped[str] = mapped_column(Text, default="")

    need: Mapped[Need] = relationship()
    offer: Mapped[Offer] = relationship()

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def status_label(self) -> str:
        return MATCH_STATUSES.get(self.status, self.status)

    @property
    def delivery_label(self) -> str:
        return DELIVERY_STATUSES.get(self.delivery_status or "", "")

    def __repr__(self) -> str:
        return f"<Match {self.id} need={self.need_id} offer={self.offer_id} {self.status}>"
