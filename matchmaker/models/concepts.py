"""The concept lexicon (项目类型词库): project types with their synonyms, seeded from
``matchmaker/data/concepts.csv`` and edited by admins like the other reference data."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin
from .sectors import Sector


class Concept(TimestampMixin, db.Model):
    """One project type (e.g. 先天性心脏病救治); ``key`` is the CSV's ``concept_id``."""

    __tablename__ = "concepts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    sector_code: Mapped[str | None] = mapped_column(ForeignKey("sectors.code"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notes: Mapped[str] = mapped_column(Text, default="")

    sector: Mapped[Sector | None] = relationship()
    terms: Mapped[list[ConceptTerm]] = relationship(
        back_populates="concept", order_by="ConceptTerm.id", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Concept {self.key} {self.name}>"


class ConceptTerm(TimestampMixin, db.Model):
    """A synonym, abbreviation or usual word of a concept; a term names one concept only."""

    __tablename__ = "concept_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id"), index=True)
    term: Mapped[str] = mapped_column(String(60), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    concept: Mapped[Concept] = relationship(back_populates="terms")

    def __repr__(self) -> str:
        return f"<ConceptTerm {self.term}>"
