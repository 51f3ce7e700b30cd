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
from sqlalchemy import delete, func, insert, select
from sqlalchemy import text as sql

from ...extensions import db
from ...models import MatchIndexEntry, Need, Offer
from ...models.base import utcnow
from ...scoring import FACTORS, MatchScorer, explain
from ...scoring.index import select_pairs
from . import new_candidates, text_model
from .ranking import excluded_pairs, load_needs, load_offers, load_reference
from .weights import current_weights

INSERT_CHUNK = 5000
LOCK_KEY = 0x6D61746368  # any constant shared by every writer of the index


def top_k() -> int:
    """How many candidates each need and each offer keeps (``MATCH_INDEX_TOP_K``)."""
    return int(current_app.config.get("MATCH_INDEX_TOP_K", 50))


def _scorer(offers, needs, reference) -> MatchScorer:
    row, _ = text_model.ensure()
    return MatchScorer(reference, weights=current_weights(),
                       tokens=current_app.config.get("SCORING_TEXT_TOKENS", "char"),
                       embedder=text_model.embedder_of(row)).fit(offers, needs)


def _store(scorer: MatchScorer, needs, offers, reference, rows, cols, text) -> int:
    """Score the chosen pairs exactly, word their reasons and insert them."""
    if len(rows) == 0:
        return 0
    ranking = scorer.score_pairs(needs, rows, cols, text)
    reasons = explain(ranking, needs, offers, reference, scorer.weights_)
    now = utcnow()
    values = [{"need_id": int(needs.ids[ranking.need_index[k]]),
               "offer_id": int(offers.ids[ranking.offer_index[k]]),
               "score": round(float(ranking.score[k]), 4),
               "factors": {f: round(float(v), 4)
                           for f, v in zip(FACTORS, ranking.factors[k], strict=True)},
               "reasons": reasons[k], "computed_at": now} for k in range(len(ranking))]
    for start in range(0, len(values), INSERT_CHUNK):
        db.session.execute(insert(MatchIndexEntry.__table__), values[start:start + INSERT_CHUNK])
    return len(values)


def _serialise() -> None:
    """One index writer at a time (PostgreSQL: a transaction advisory lock; SQLite has a
    single writer anyway), so concurrent refreshes never collide on a pair."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def rebuild(refit: bool = False) -> int:
    """Recompute the whole index (refitting the text model when asked, missing or
    drifted); returns the number of rows."""
    _serialise()
    if refit or text_model.drifted(text_model.current()):
        text_model.fit()
    db.session.execute(delete(MatchIndexEntry))
    needs, offers = load_needs(), load_offers()
    if len(needs) == 0 or len(offers) == 0:
        return 0
    reference = load_reference()
    scorer = _scorer(offers, needs, reference)
    k = top_k()
    rows, cols, text = select_pairs(scorer, needs, need_k=k, offer_k=k, exclude=excluded_pairs())
    return _store(scorer, needs, offers, reference, rows, cols, text)


def _floors(column, ids: np.ndarray) -> np.ndarray:
    """Per id: the lowest score in its current list, or -inf while the list is short."""
    k = top_k()
    stmt = (select(column, func.count(), func.min(MatchIndexEntry.score))
            .group_by(column))
    found = {i: (n, low) for i, n, low in db.session.execute(stmt)}
    return np.array([found[i][1] if i in found and found[i][0] >= k else -np.inf
                     for i in ids.tolist()], dtype=np.float64)


def refresh_offers(offer_ids: list[int]) -> int:
    """Replace the rows of these offers: each scored against every published need."""
    return _refresh("offer", offer_ids)


def refresh_needs(need_ids: list[int]) -> int:
    """Replace the rows of these needs: each scored against every published offer."""
    return _refresh("need", need_ids)


def _refresh(side: str, ids: list[int]) -> int:
    """Replace the rows of the ``side`` items ``ids``; they enter the other side's lists
    wherever they beat the lowest score kept there (the floors)."""
    if not ids:
        return 0
    column = MatchIndexEntry.offer_id if side == "offer" else MatchIndexEntry.need_id
    db.session.execute(delete(MatchIndexEntry).where(column.in_(ids)))
    changed = list(ids)
    offers = load_offers(changed) if side == "offer" else load_offers()
    needs = load_needs(changed) if side == "need" else load_needs()
    if len(offers) == 0 or len(needs) == 0:
        return 0
    reference = load_reference()
    scorer = _scorer(offers, needs, reference)
    if side == "offer":
        keep = {"offer_k": top_k(), "need_floor": _floors(MatchIndexEntry.need_id, needs.ids)}
    else:
        keep = {"need_k": top_k(), "offer_floor": _floors(MatchIndexEntry.offer_id, offers.ids)}
    rows, cols, text = select_pairs(scorer, needs, exclude=excluded_pairs(), **keep)
    return _store(scorer, needs, offers, reference, rows, cols, text)


def refresh(need_ids: list[int] = (), offer_ids: list[int] = (), org_ids: list[int] = (),
            everything: bool = False) -> int:
    """Bring the index up to date after these changes (plain ids: enqueue-able).

    Items of ``org_ids`` (an organisation verified, suspended or moved) are refreshed too;
    ``everything`` (reference data or weights changed), a missing or drifted text model,
    or more changes than a tenth of the corpus rebuild the whole index. An incremental
    refresh notifies the owners of items that gained good new candidates
    (:mod:`.new_candidates`); a rebuild does not."""
    _serialise()
    need_ids, offer_ids = set(need_ids), set(offer_ids)
    if org_ids:
        for model, into in ((Need, need_ids), (Offer, offer_ids)):
            into.update(db.session.scalars(select(model.id).where(
                model.organisation_id.in_(list(org_ids)))))
    row = text_model.current()
    if everything or text_model.drifted(row) or \
            len(need_ids) + len(offer_ids) > max(50, text_model.corpus_size() // 10):
        return rebuild()  # announces nothing: every pair would be "new"
    before = new_candidates.snapshot(need_ids, offer_ids)
    stored = refresh_offers(sorted(offer_ids)) + refresh_needs(sorted(need_ids))
    db.session.flush()
    new_candidates.announce(before, need_ids, offer_ids)
    return stored
