"""The live match index: the top candidates of every published need and offer.

Functions take plain ids so a background job can run them later; they flush, never
commit (the caller's unit of work does). ``refresh`` is the one entry point of the
after-commit queue (:mod:`.index_queue`): a changed offer is scored against all needs
(one column) and its rows replaced; a changed need against all offers (one row); a
change of reference data or weights, or a drifted corpus, rebuilds everything.
"""

from __future__ import annotations

import numpy as np
from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy import text as sql

from ...extensions import db
from ...models import MatchIndexEntry, Need, Offer
from ...scoring.index import select_pairs
from ...scoring.live import LiveScorer
from . import index_store, live, new_candidates, text_model
from .ranking import excluded_pairs, load_needs, load_offers, load_reference

LOCK_KEY = 0x6D61746368  # any constant shared by every writer of the index
E = MatchIndexEntry


def top_k() -> int:
    """How many candidates each need and each offer keeps (``MATCH_INDEX_TOP_K``)."""
    return int(current_app.config.get("MATCH_INDEX_TOP_K", 50))


def _serialise() -> None:
    """One index writer at a time (PostgreSQL: a transaction advisory lock; SQLite has a
    single writer anyway), so concurrent refreshes never collide on a pair."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def rebuild(refit: bool = False) -> int:
    """Recompute the whole index (refitting the text model when asked, missing or
    drifted); returns the number of rows. Leaves this process's cache warm."""
    _serialise()
    if not live.LOCK.acquire(blocking=False):
        return _rebuild(refit, keep=False)  # the log tells the cache it is stale
    try:
        return _rebuild(refit, keep=True)
    finally:
        live.LOCK.release()


def _rebuild(refit: bool, keep: bool) -> int:
    if keep:
        live.forget()
    if refit or text_model.drifted(text_model.current()):
        text_model.fit()
    needs, offers = load_needs(), load_offers()
    with index_store.replace_all():
        if len(needs) == 0 or len(offers) == 0:
            live.log_write(everything=True)
            return 0
        scorer = live.scorer_for(offers, needs, load_reference())
        state = LiveScorer(scorer, needs)
        k = top_k()
        rows, cols, text = select_pairs(scorer, needs, need_k=k, offer_k=k,
                                        exclude=excluded_pairs(), prepared=state.prep)
        stored = index_store.store(scorer, needs, offers, rows, cols, text,
                                   prepared=state.prep)
    live.remember(state, live.log_write(everything=True), k, keep=keep, rows=stored)
    return len(stored[0])


def refresh_offers(offer_ids: list[int], fresh=None) -> int:
    """Replace the rows of these offers: each scored against every published need
    (``fresh``: these offers as ``load_offers`` just returned them)."""
    return _refresh("offer", offer_ids, fresh)


def refresh_needs(need_ids: list[int], fresh=None) -> int:
    """Replace the rows of these needs: each scored against every published offer
    (``fresh``: these needs as ``load_needs`` just returned them)."""
    return _refresh("need", need_ids, fresh)


def _refresh(side: str, ids: list[int], fresh=None) -> int:
    """Replace the rows of the ``side`` items ``ids``; they enter the other side's lists
    wherever they beat the lowest score kept there (the floors).

    Scores with this process's cached state (:mod:`.live`), reloading only these items."""
    if not ids:
        return 0
    _serialise()
    ids, k = sorted({int(i) for i in ids}), top_k()
    if not live.LOCK.acquire(blocking=False):
        return _refresh_with(live.private(k), side, ids, k, fresh)
    try:
        cached = live.current(k)
        with live.one_thread():
            return _refresh_with(cached, side, ids, k, fresh)
    finally:
        live.LOCK.release()


def _refresh_with(cached: live.Live, side: str, ids: list[int], k: int, fresh=None) -> int:
    own, other = (E.offer_id, E.need_id) if side == "offer" else (E.need_id, E.offer_id)
    own_floors, other_floors = ((cached.offer_floors, cached.need_floors) if side == "offer"
                                else (cached.need_floors, cached.offer_floors))
    cached.version = None  # invalid until this write is logged
    gone = db.session.execute(delete(MatchIndexEntry).where(own.in_(ids))
                              .returning(other, E.score)).all()
    gone_ids = np.array([g[0] for g in gone], np.int64)
    before = set(gone_ids.tolist())
    unsure = other_floors.remove(gone_ids, np.array([g[1] for g in gone], np.float64))
    if unsure:
        other_floors.put(unsure, live.read_lists(other, unsure))
    state = cached.live
    if side == "offer":
        fresh = load_offers(ids) if fresh is None else fresh
        part = state.put_offers(ids, fresh)
        stored = _empty()
        if len(fresh) and len(state.needs):
            rows, cols, text = select_pairs(
                part, state.needs, offer_k=k, exclude=excluded_pairs(offer_ids=ids),
                need_floor=other_floors.of(state.needs.ids, k), prepared=state.prep)
            stored = index_store.store(part, state.needs, fresh, rows, cols, text,
                                       prepared=state.prep, live=state)
        after = set(stored[0].tolist())
    else:
        fresh = load_needs(ids) if fresh is None else fresh
        prep = state.put_needs(ids, fresh)
        offers = state.scorer.offers_
        stored = _empty()
        if len(fresh) and len(offers):
            rows, cols, text = select_pairs(
                state.scorer, fresh, need_k=k, exclude=excluded_pairs(need_ids=ids),
                offer_floor=other_floors.of(offers.ids, k), prepared=prep)
            stored = index_store.store(state.scorer, fresh, offers, rows, cols, text,
                                       prepared=prep, live=state)
        after = set(stored[1].tolist())
    touched = before | after
    own_stored, other_stored = (stored[1], stored[0]) if side == "offer" else stored[:2]
    other_floors.add(other_stored, stored[2])
    own_floors.put(ids, live.lists_from_rows(own_stored, stored[2]))  # all their rows now
    lists = {"need_lists": touched, "offer_lists": ids} if side == "offer" else \
        {"need_lists": ids, "offer_lists": touched}
    cached.version = live.log_write(**{f"{side}_ids": ids}, **lists)
    return len(stored[0])


def _empty():
    empty = np.zeros(0, np.int64)
    return empty, empty, np.zeros(0)


def refresh(need_ids: list[int] = (), offer_ids: list[int] = (), org_ids: list[int] = (),
            everything: bool = False) -> int:
    """Bring the index up to date after these changes (plain ids: enqueue-able).

    Items of ``org_ids`` (an organisation verified, suspended or moved) are refreshed too;
    ``everything`` (reference data or weights changed), a missing or drifted text model
    (these items' text counts: :func:`.text_model.note_novel`), or more changes than a
    tenth of the corpus rebuild the whole index. An incremental
    refresh notifies the owners of items that gained good new candidates
    (:mod:`.new_candidates`); a rebuild does not."""
    _serialise()
    need_ids, offer_ids = set(need_ids), set(offer_ids)
    if org_ids:
        for model, into in ((Need, need_ids), (Offer, offer_ids)):
            into.update(db.session.scalars(select(model.id).where(
                model.organisation_id.in_(list(org_ids)))))
    row, size = text_model.current(), text_model.corpus_size()
    if everything or row is None or len(need_ids) + len(offer_ids) > max(50, size // 10):
        return rebuild()  # announces nothing: every pair would be "new"
    needs = load_needs(sorted(need_ids)) if need_ids else None
    offers = load_offers(sorted(offer_ids)) if offer_ids else None
    text_model.note_novel(row, needs, offers)
    if text_model.drifted(row, size):
        return rebuild()
    before = new_candidates.snapshot(need_ids, offer_ids)
    stored = refresh_offers(sorted(offer_ids), offers) + refresh_needs(sorted(need_ids), needs)
    db.session.flush()
    new_candidates.announce(before, need_ids, offer_ids)
    return stored
