"""Screening organisations against 非法社会组织 lists; the review queue's decisions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ...extensions import db
from ...models import BlacklistEntry, Organisation, ScreeningHit, User
from ...models.base import utcnow
from ..errors import Conflict, DomainError
from ..platform import audit
from . import namematch, vetting


@dataclass
class ListIndex:
    """The list entries with their precomputed name forms."""

    entries: list[BlacklistEntry]
    cores: list[str]
    cleaned: list[str]
    by_uscc: dict[str, list[BlacklistEntry]]

    @classmethod
    def load(cls, entries: list[BlacklistEntry] | None = None) -> ListIndex:
        if entries is None:
            entries = list(db.session.scalars(select(BlacklistEntry).order_by(BlacklistEntry.id)))
        by_uscc: dict[str, list[BlacklistEntry]] = {}
        for e in entries:
            if e.uscc:
                by_uscc.setdefault(e.uscc, []).append(e)
        return cls(entries, [namematch.core(e.name) for e in entries],
                   [namematch.clean(e.name) for e in entries], by_uscc)


def _existing(org: Organisation) -> set[tuple[int | None, str]]:
    rows = db.session.execute(select(ScreeningHit.entry_id, ScreeningHit.kind)
                              .where(ScreeningHit.organisation_id == org.id))
    return {(entry_id, kind) for entry_id, kind in rows}


def screen_organisation(org: Organisation, index: ListIndex | None = None) -> list[ScreeningHit]:
    """Screen one organisation; add (and return) the hits not recorded before.

    A hit a coordinator already decided is not raised again for the same entry.
    """
    index = index or ListIndex.load()
    seen = _existing(org)
    found: list[tuple[BlacklistEntry | None, str, float, str]] = []
    if org.uscc:
        for entry in index.by_uscc.get(org.uscc, []):
            found.append((entry, "uscc", 1.0, f"统一社会信用代码 {org.uscc} 与名单一致"))
    for m in namematch.match_name(org.name, index.cores, index.cleaned):
        entry = index.entries[m.index]
        detail = ("名称与名单一致" if m.kind == "exact"
                  else f"名称近似（相似度 {m.score:.0%}）：{namematch.core(org.name)} ≈ "
                       f"{namematch.core(entry.name)}")
        found.append((entry, m.kind, m.score, detail))
    warning = namematch.special_name_warning(org.name, org.kind, org.uscc)
    if warning:
        found.append((None, "special_name", 1.0, warning))
    hits = []
    for entry, kind, score, detail in found:
        key = (entry.id if entry else None, kind)
        if key in seen:
            continue
        seen.add(key)
        hit = ScreeningHit(organisation_id=org.id, entry=entry, kind=kind, score=score,
                           screened_name=org.name, detail=detail, status="open", note="")
        db.session.add(hit)
        hits.append(hit)
    if hits:
        db.session.flush()
        audit.record("screening.hit", entity=org, organisation_id=org.id,
                     changes={"hits": [None, [f"{h.kind_label}：{h.entry.name if h.entry else '-'}"
                                                   for h in hits]]})
    return hits


def screen_all(entries: list[BlacklistEntry] | None = None) -> int:
    """Screen every organisation (against ``entries`` only, when given); return new hits."""
    index = ListIndex.load(entries)
    total = 0
    for org in db.session.scalars(select(Organisation).order_by(Organisation.id)):
        total += len(screen_organisation(org, index))
    return total


def open_hits_query():
    return (select(ScreeningHit).where(ScreeningHit.status == "open")
            .order_by(ScreeningHit.score.desc(), ScreeningHit.id))


def open_count() -> int:
    return db.session.scalar(select(func.count(ScreeningHit.id))
                             .where(ScreeningHit.status == "open"))


def hits_for(org: Organisation) -> list[ScreeningHit]:
    return db.session.scalars(select(ScreeningHit).where(ScreeningHit.organisation_id == org.id)
                              .order_by(ScreeningHit.id.desc())).all()


def decide(hit: ScreeningHit, decision: str, note: str, *, by: User,
           ip: str | None = None) -> None:
    """A coordinator clears a hit (not the listed body) or suspends the organisation."""
    note = (note or "").strip()
    if decision not in ("clear", "suspend"):
        raise DomainError("未知操作。")
    if not note:
        raise DomainError("请填写复核意见。", fields={"note": ["请填写复核意见。"]})
    if len(note) > 500:
        raise DomainError("复核意见最多 500 字。", fields={"note": ["最多 500 字。"]})
    if hit.status != "open":
        raise Conflict("该线索已处理。")
    status = "cleared" if decision == "clear" else "suspended"
    if decision == "suspend" and hit.organisation.status != "suspended":
        vetting.set_status(hit.organisation, "suspended", f"名单筛查：{note}", by=by, ip=ip)
    audit.record(f"screening.{status}", user=by, entity=hit, ip=ip,
                 organisation_id=hit.organisation_id,
                 changes={"status": [hit.status, status], "note": [None, note]})
    hit.status = status
    hit.note = note
    hit.decided_at = utcnow()
    hit.decided_by_id = by.id
    db.session.flush()
