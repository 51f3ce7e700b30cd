"""The live match index: the persisted text model and each item's best candidates.

``TextModel`` rows hold the fitted text model (vocabulary, IDF, LSA components) as
``numpy`` arrays saved without pickle, so every process scores with the same model; the
newest row is the one in use. ``MatchIndexEntry`` rows are the top candidates of every
published need and offer, kept fresh after each commit that changes them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class TextModel(db.Model):
    """One fit of the text model; ``state`` is ``scoring.persist.dump`` output (npz)."""

    __tablename__ = "match_text_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    fitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    #: Published needs + offers when fitted (a drift of more than 20% triggers a refit).
    corpus_size: Mapped[int] = mapped_column(Integer)
    tokens: Mapped[str] = mapped_column(String(10))
    state: Mapped[bytes] = mapped_column(LargeBinary)
    #: Items published or edited since the fit whose text the model barely covers
    #: ("n12", "o7"); enough of them trigger a refit (``text_model.drifted``).
    novel_items: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    def __repr__(self) -> str:
        return f"<TextModel {self.id} {self.corpus_size} docs>"


class MatchIndexEntry(db.Model):
    """A scored (need, offer) pair among the top candidates of the need or of the offer."""

    __tablename__ = "match_index"
    __table_args__ = (
        Index("ix_match_index_pair", "need_id", "offer_id", unique=True),
        Index("ix_match_index_need_score", "need_id", "score"),
        Index("ix_match_index_offer_score", "offer_id", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    factors: Mapped[dict] = mapped_column(JSON)
    reasons: Mapped[list] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MatchIndexLog(db.Model):
    """One write of the match index: which items were reloaded and whose lists changed.

    The newest row (``id``, ``token``) is the index's version: a process that caches the
    scorer's fitted state checks it, and replays the rows it has not seen (reloading those
    items, re-reading those lists' floors) or reloads everything (``everything``: a
    rebuild)."""

    __tablename__ = "match_index_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    everything: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Items whose data was reloaded (plain id lists).
    need_ids: Mapped[list] = mapped_column(JSON, default=list)
    offer_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: Items whose candidate lists gained or lost rows.
    need_lists: Mapped[list] = mapped_column(JSON, default=list)
    offer_lists: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MatchAnnouncement(db.Model):
    """A (need, offer) pair announced as 新的推荐 to an organisation: never again."""

    __tablename__ = "match_announcements"
    __table_args__ = (
        Index("ix_match_announcements_pair_org", "need_id", "offer_id", "organisation_id",
              unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
