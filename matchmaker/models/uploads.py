"""Uploaded sheets waiting for confirmation: parsed rows in the database, shared by every
web host and worker (nothing on one host's disk)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..extensions import db
from .base import utcnow

UPLOAD_STATES = ("checking", "ready", "importing", "done")


class PendingUpload(db.Model):
    """One uploaded 需求清单 / 供给清单 between preview and confirmation.

    ``sheet`` (zlib-compressed JSON: headers and data rows) and ``preview`` (the same, the
    preview page's rows) are deferred: the progress endpoint reads neither. After the import
    both are dropped and the row stays as a small "done" marker until ``expires_at``."""

    __tablename__ = "pending_uploads"
    __table_args__ = (
        CheckConstraint("state IN ('checking', 'ready', 'importing', 'done')", name="state"),
        CheckConstraint("kind IN ('needs', 'offers')", name="kind"),
        CheckConstraint("rows_done >= 0 AND rows_total >= 0", name="rows"),
        Index("ix_pending_uploads_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200), default="")
    draft: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(10), default="ready")
    sheet: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    preview: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: Small facts shown on the pages: the result summary, the last error (Chinese).
    info: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    phase: Mapped[str] = mapped_column(String(10), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
