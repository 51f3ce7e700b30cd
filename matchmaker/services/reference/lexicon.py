"""The concept lexicon (项目类型词库) in the database: what the scorer reads, and admins' edits.

The scorer gets the active concepts and terms as plain data (``current()`` →
``scoring.concepts.ConceptLexicon``). An edit records an audit event, and makes the text
model stale (``changed_at`` is newer than its fit, see ``matching.text_model.drifted``) and
asks for a full rebuild of the match index after the commit, so candidates and reasons
follow the new words. Before the table is seeded the shipped ``data/concepts.csv`` is used.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from ...extensions import db
from ...models import Concept, ConceptTerm, Sector, User
from ...scoring.concepts import ConceptLexicon
from ..errors import DomainError
from ..platform import audit

NAME_MAX = 60
TERM_MIN = 2
_cache: dict[tuple, ConceptLexicon] = {}


def changed_at() -> datetime | None:
    """When the lexicon last changed (newest ``updated_at`` of concepts and terms)."""
    times = [db.session.scalar(select(func.max(model.updated_at)))
             for model in (Concept, ConceptTerm)]
    times = [t for t in times if t is not None]
    return max(times) if times else None


def score_weight() -> float:
    """How much the lexicon's concept overlap counts in the text factor (0: it words the
    reasons only); ``SCORING_CONCEPT_WEIGHT``, see ``Config``."""
    from flask import current_app

    return float(current_app.config.get("SCORING_CONCEPT_WEIGHT", 0.0))


def current() -> ConceptLexicon:
    """The active concepts with their active terms (the shipped file if never seeded)."""
    total = db.session.scalar(select(func.count()).select_from(Concept)) or 0
    if total == 0:
        return ConceptLexicon.shipped()
    key = (str(db.engine.url), total, changed_at())
    if key not in _cache:
        terms: dict[int, list[str]] = defaultdict(list)
        for concept_id, term in db.session.execute(
                select(ConceptTerm.concept_id, ConceptTerm.term)
                .where(ConceptTerm.active.is_(True)).order_by(ConceptTerm.id)):
            terms[concept_id].append(term)
        rows = [(c.key, c.sector_code or "", c.name, terms[c.id]) for c in db.session.scalars(
            select(Concept).where(Concept.active.is_(True)).order_by(Concept.id))]
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = ConceptLexicon(rows)
    return _cache[key]


def search(q: str = "", sector: str | None = None, state: str | None = None):
    """A select of concepts matching ``q`` (name, key or any term), for the admin page."""
    stmt = select(Concept).order_by(Concept.sector_code, Concept.id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Concept.name.ilike(like), Concept.key.ilike(like),
                              Concept.id.in_(select(ConceptTerm.concept_id)
                                             .where(ConceptTerm.term.ilike(like)))))
    if sector:
        stmt = stmt.where(or_(Concept.sector_code == sector,
                              Concept.sector_code.in_(select(Sector.code)
                                                      .where(Sector.parent_code == sector))))
    if state in ("active", "disabled"):
        stmt = stmt.where(Concept.active.is_(state == "active"))
    return stmt


@dataclass(frozen=True)
class ConceptInput:
    name: str
    sector_code: str | None
    notes: str = ""


def _stale() -> None:
    """The lexicon changed: rebuild the match index after the commit (the text model
    refits because ``changed_at`` is now newer than its fit)."""
    from ..matching import index_queue

    index_queue.mark_everything()


def _taken(text: str, *, renaming: Concept | None = None,
           term: ConceptTerm | None = None) -> str:
    """Why ``text`` cannot name a concept or be a term ('' when it can): each word maps to
    one concept only, compared without regard to case. ``renaming`` is the concept being
    renamed (its own name and synonyms do not count), ``term`` the synonym being edited."""
    low = text.lower()
    names = select(Concept).where(func.lower(Concept.name) == low)
    terms = select(ConceptTerm).where(func.lower(ConceptTerm.term) == low)
    if renaming is not None:
        names = names.where(Concept.id != renaming.id)
        terms = terms.where(ConceptTerm.concept_id != renaming.id)
    if term is not None:
        terms = terms.where(ConceptTerm.id != term.id)
    other = db.session.scalar(names.limit(1))
    if other is not None:
        return f"“{text}”已是项目类型“{other.name}”的名称。"
    hit = db.session.scalar(terms.limit(1))
    if hit is not None:
        return f"“{text}”已是项目类型“{hit.concept.name}”的同义词。"
    return ""


def _checked_name(data: ConceptInput, concept: Concept | None) -> tuple[str, str | None]:
    name = (data.name or "").strip()
    fields: dict[str, list[str]] = {}
    if not name:
        fields["name"] = ["请填写项目类型名称。"]
    elif len(name) > NAME_MAX or len(name) < TERM_MIN:
        fields["name"] = [f"名称须为 {TERM_MIN}–{NAME_MAX} 个字。"]
    elif why := _taken(name, renaming=concept):
        fields["name"] = [why]
    code = data.sector_code or None
    if code is not None and db.session.get(Sector, code) is None:
        fields["sector_code"] = ["请选择有效的领域。"]
    if fields:
        raise DomainError.from_fields(fields)
    return name, code


def create_concept(data: ConceptInput, *, by: User, ip: str | None = None) -> Concept:
    """Add a concept (its name counts as a term); flushes, never commits."""
    name, code = _checked_name(data, None)
    concept = Concept(key=f"custom-{uuid.uuid4().hex[:10]}", name=name, sector_code=code,
                      notes=(data.notes or "").strip(), active=True)
    db.session.add(concept)
    db.session.flush()
    audit.record("concept.create", user=by, entity=concept, ip=ip,
                 changes={"name": [None, name], "sector_code": [None, code]})
    _stale()
    return concept


def update_concept(concept: Concept, data: ConceptInput, *, by: User,
                   ip: str | None = None) -> dict:
    """Rename a concept or move it to another sector; returns what changed."""
    name, code = _checked_name(data, concept)
    changes = audit.diff(concept, {"name": name, "sector_code": code,
                                   "notes": (data.notes or "").strip()})
    for field, (_, after) in changes.items():
        setattr(concept, field, after)
    if changes:
        audit.record("concept.update", user=by, entity=concept, changes=changes, ip=ip)
        db.session.flush()
        _stale()
    return changes


def set_concept_active(concept: Concept, active: bool, *, by: User,
                       ip: str | None = None) -> bool:
    """Disable (no longer used for matching) or enable a concept; False when unchanged."""
    if concept.active == active:
        return False
    concept.active = active
    audit.record("concept.enable" if active else "concept.disable", user=by, entity=concept,
                 changes={"active": [not active, active]}, ip=ip)
    db.session.flush()
    _stale()
    return True


def _checked_term(text: str, concept: Concept, term: ConceptTerm | None) -> str:
    text = (text or "").strip()
    if not text:
        why = "请填写同义词。"
    elif len(text) < TERM_MIN or len(text) > NAME_MAX:
        why = f"同义词须为 {TERM_MIN}–{NAME_MAX} 个字（单字会误配太多项目）。"
    elif text.lower() == concept.name.lower():
        why = "同义词与项目类型名称相同，无需重复添加。"
    else:
        why = _taken(text, term=term)
    if why:
        raise DomainError.from_fields({"term": [why]})
    return text


def add_term(concept: Concept, text: str, *, by: User, ip: str | None = None) -> ConceptTerm:
    """Add a synonym to a concept; flushes, never commits."""
    text = _checked_term(text, concept, None)
    term = ConceptTerm(concept=concept, term=text, active=True)
    db.session.add(term)
    db.session.flush()
    audit.record("concept.term_add", user=by, entity=concept, ip=ip,
                 changes={"term": [None, text]})
    _stale()
    return term


def update_term(term: ConceptTerm, text: str, *, by: User, ip: str | None = None) -> bool:
    """Correct a synonym's wording; False when unchanged."""
    text = _checked_term(text, term.concept, term)
    if text == term.term:
        return False
    audit.record("concept.term_update", user=by, entity=term.concept, ip=ip,
                 changes={"term": [term.term, text]})
    term.term = text
    db.session.flush()
    _stale()
    return True


def set_term_active(term: ConceptTerm, active: bool, *, by: User,
                    ip: str | None = None) -> bool:
    """Disable or enable one synonym; False when unchanged."""
    if term.active == active:
        return False
    term.active = active
    audit.record("concept.term_enable" if active else "concept.term_disable", user=by,
                 entity=term.concept, ip=ip, changes={"term": [term.term, term.term],
                                                      "active": [not active, active]})
    db.session.flush()
    _stale()
    return True
