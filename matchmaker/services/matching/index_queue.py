"""Keep the match index fresh: note what a transaction changed, refresh after it commits.

Listeners on the app's session note, at each flush, the needs, offers and organisations
whose ranking may have changed (and whether reference data or weights changed). The
notes become ready only when the transaction commits (a rollback drops them), and
:func:`drain` — run by the unit of work after its commit, and before the index is read —
hands them to :func:`.index.refresh` in a unit of work of its own. A refresh that fails
is logged; the index is then stale, never half-written, and reads re-check every row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from itertools import chain

from flask import current_app
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, scoped_session

from ...extensions import db
from ...models import Match, Need, Offer, Organisation, Pairing, Region, ScoringWeightSet, Sector

log = logging.getLogger(__name__)
PENDING, READY, DRAINING = "match_index_pending", "match_index_ready", "match_index_draining"
_EVERYTHING = (Pairing, Region, Sector)


@dataclass
class Marks:
    """What to refresh: plain ids, so a background job can take them as they are."""

    need_ids: set[int] = field(default_factory=set)
    offer_ids: set[int] = field(default_factory=set)
    org_ids: set[int] = field(default_factory=set)
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(self.everything or self.need_ids or self.offer_ids or self.org_ids)

    def merge(self, other: Marks) -> None:
        self.need_ids |= other.need_ids
        self.offer_ids |= other.offer_ids
        self.org_ids |= other.org_ids
        self.everything |= other.everything

    def as_args(self) -> dict:
        return {"need_ids": sorted(self.need_ids), "offer_ids": sorted(self.offer_ids),
                "org_ids": sorted(self.org_ids), "everything": self.everything}


def _changed(obj, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[n].history.has_changes() for n in names)


def _note(marks: Marks, obj, session: Session) -> None:
    if isinstance(obj, _EVERYTHING):
        marks.everything = True
    elif isinstance(obj, ScoringWeightSet):
        # Weight sets are only ever added: an attempt that was not adopted changes nothing.
        marks.everything |= obj.adopted is not False
    elif isinstance(obj, Need | Offer):
        into = marks.need_ids if isinstance(obj, Need) else marks.offer_ids
        if obj.id is not None and (obj.status == "published" or _changed(obj, "status")):
            into.add(obj.id)
    elif isinstance(obj, Match):
        if obj in session.new or _changed(obj, "status", "amount_yuan"):
            marks.need_ids.add(obj.need_id)
            marks.offer_ids.add(obj.offer_id)
    elif isinstance(obj, Organisation) and obj.id is not None \
            and _changed(obj, "status", "region_code"):
        marks.org_ids.add(obj.id)


def _after_flush(session: Session, _context) -> None:
    marks = session.info.setdefault(PENDING, Marks())
    for obj in chain(session.new, session.dirty, session.deleted):
        _note(marks, obj, session)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        session.info.setdefault(READY, Marks()).merge(pending)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def register(session: scoped_session | type[Session]) -> None:
    """Bind the listeners to ``session`` (idempotent)."""
    for name, listener in (("after_flush", _after_flush), ("after_commit", _after_commit),
                           ("after_rollback", _after_rollback)):
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)


def mark_everything() -> None:
    """Ask for a full rebuild after the current transaction commits."""
    db.session.info.setdefault(PENDING, Marks()).everything = True


def drain() -> None:
    """Refresh the index for what committed transactions changed: a ``matching.refresh``
    job for the RQ workers when Redis is configured, else here and now (in-process)."""
    from ... import unit_of_work
    from ..platform import jobs
    from . import index

    info = db.session.info
    if info.get(DRAINING) or not info.get(READY):
        return
    marks = info.pop(READY)
    info[DRAINING] = True
    args = marks.as_args()
    try:
        if current_app.config.get("REDIS_URL"):
            unit_of_work.run(lambda: jobs.enqueue(
                "matching.refresh", args["need_ids"], args["offer_ids"], args["org_ids"],
                args["everything"]))
        else:
            unit_of_work.run(lambda: index.refresh(**args))
    except Exception:
        # The change itself is committed: never fail its request. Reads re-check rows.
        log.exception("match index refresh failed: %s", marks.as_args())
    finally:
        info.pop(DRAINING, None)
