"""Scoring weight history: every adopted weight set, never updated (newest is current)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .users import User

#: How a row came to be: weights learned from decisions, or a return to the defaults.
KINDS = ("learned", "defaults")


class ScoringWeightSet(db.Model):
    """One learning attempt or adoption of factor weights. ``kind == "defaults"``
    (``weights`` NULL) means "use the configured defaults from now on". A learned row keeps
    its held-out figures: ``accuracy`` and ``default_accuracy`` are the NDCG of the learned
    and of the then-current scorer on the newest decisions, ``details`` the rest (hit@1,
    counts of decisions and examples, the sign test). Only ``adopted`` rows are ever used;
    a row not adopted is the record of an attempt that did not beat the current scorer."""

    __tablename__ = "scoring_weight_sets"
    __table_args__ = (
        CheckConstraint("kind IN ('learned', 'defaults')", name="kind"),
        CheckConstraint("kind = 'defaults' OR (weights IS NOT NULL AND accuracy IS NOT NULL"
                        " AND default_accuracy IS NOT NULL AND n_decisions IS NOT NULL)",
                        name="learned_complete"),
        CheckConstraint("accuracy IS NULL OR (accuracy >= 0 AND accuracy <= 1)",
                        name="accuracy_range"),
        CheckConstraint("default_accuracy IS NULL OR (default_accuracy >= 0"
                        " AND default_accuracy <= 1)", name="default_accuracy_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    weights: Mapped[dict | None] = mapped_column(JSON)
    accuracy: Mapped[float | None] = mapped_column(Float)
    default_accuracy: Mapped[float | None] = mapped_column(Float)
    n_decisions: Mapped[int | None] = mapped_column(Integer)
    #: False: learned but not adopted (did not beat the current scorer on held-out decisions).
    adopted: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    details: Mapped[dict | None] = mapped_column(JSON)
    #: Who adopted it; NULL when it came from the command line (``flask rank --learn``).
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    adopted_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ScoringWeightSet {self.id} {self.kind} {self.created_at:%Y-%m-%d}>"
