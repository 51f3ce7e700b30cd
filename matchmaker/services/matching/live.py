"""The per-process cache of the match index's scoring state, checked against the database.

Scoring one need against all offers takes milliseconds once the offers' factor tables and
text vectors are at hand; loading and vectorising every offer takes far longer. So each
process keeps a :class:`~matchmaker.scoring.live.LiveScorer` (all ranked offers fitted, all
ranked needs prepared) and the size and lowest score of every list of the index (its floor
once full), and updates them in place for the items each refresh reloads and the rows it
deletes and writes (a list whose lowest row was deleted is read again).

The database stays the truth. Every index write appends a ``match_index_log`` row (a random
token, the items it reloaded, the lists it changed); the newest row is the index's version.
Before use, :func:`current` compares the cache's version with the log: rows written since
by other processes are replayed (their items reloaded from the database, their lists'
floors re-read), and a rebuild, a gap in the log (pruned, or a rolled-back write of ours),
a new text model or new weights reload everything. Callers hold the index lock.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import delete, func, insert, select

from ...extensions import db
from ...models import MatchIndexEntry, MatchIndexLog, TextModel
from ...scoring import MatchScorer
from ...scoring.live import LiveScorer
from .ranking import load_needs, load_offers, load_reference, persisted_scorer
from .weights import current_weights

E = MatchIndexEntry
#: Log rows kept; a cache further behind reloads everything.
KEEP_LOG = 500
#: A cache more than this many items behind reloads everything instead of replaying.
REPLAY_LIMIT = 500


@dataclass
class Floors:
    """Per item of one side with rows in the index: how many rows its list has and their
    lowest score (the list's floor once it holds ``k`` rows)."""

    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    values: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))

    def _find(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of ``ids`` in the lists, and which of them are there."""
        if len(self.ids) == 0:
            return np.zeros(len(ids), np.intp), np.zeros(len(ids), bool)
        pos = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        return pos, self.ids[pos] == ids

    def of(self, ids: np.ndarray, k: int) -> np.ndarray:
        """Floors aligned with ``ids``: the lowest score of lists of ``k`` rows or more,
        -inf for short or empty lists."""
        out = np.full(len(ids), -np.inf)
        pos, hit = self._find(np.asarray(ids, np.int64))
        hit[hit] = self.counts[pos[hit]] >= k
        out[hit] = self.values[pos[hit]]
        return out

    def get(self, ids) -> dict[int, tuple[int, float]]:
        """{item id: (rows, lowest score)} of those of ``ids`` that have rows."""
        ids = np.asarray(sorted(ids), np.int64)
        pos, hit = self._find(ids)
        return {i: (c, v) for i, c, v in zip(ids[hit].tolist(), self.counts[pos[hit]].tolist(),
                                             self.values[pos[hit]].tolist(), strict=True)}

    def full(self, k: int) -> dict[int, float]:
        """{item id: floor} of the lists of ``k`` rows or more."""
        keep = self.counts >= k
        return dict(zip(self.ids[keep].tolist(), self.values[keep].tolist(), strict=True))

    def put(self, ids, found: dict[int, tuple[int, float]]) -> None:
        """Replace the lists of ``ids`` by ``found`` (ids missing there: no rows)."""
        ids = np.asarray(sorted(ids), np.int64)
        if len(found) == len(ids):  # the usual case: lists already kept, updated in place
            pos, hit = self._find(ids)
            if hit.all() and all(i in found for i in ids.tolist()):
                new = [found[i] for i in ids.tolist()]
                self.counts[pos] = [c for c, _ in new]
                self.values[pos] = [v for _, v in new]
                return
        drop = np.isin(self.ids, ids)
        new_ids = np.asarray(sorted(found), np.int64)
        new = [found[i] for i in new_ids.tolist()]
        ids_ = np.concatenate([self.ids[~drop], new_ids])
        counts = np.concatenate([self.counts[~drop], np.array([c for c, _ in new], np.int64)])
        values = np.concatenate([self.values[~drop], np.array([v for _, v in new], np.float64)])
        order = np.argsort(ids_, kind="stable")
        self.ids, self.counts, self.values = ids_[order], counts[order], values[order]

    def remove(self, ids: np.ndarray, scores: np.ndarray) -> list[int]:
        """Take rows (``ids[k]``'s list loses a row scoring ``scores[k]``) out of the lists;
        returns the items whose lowest score may have gone with them (to be read again)."""
        if len(ids) == 0:
            return []
        uniq, inverse, n = np.unique(ids, return_inverse=True, return_counts=True)
        low = np.full(len(uniq), np.inf)
        np.minimum.at(low, inverse.ravel(), scores)
        known = self.get(uniq.tolist())
        found, unsure = {}, []
        for i, m, lo in zip(uniq.tolist(), n.tolist(), low.tolist(), strict=True):
            if i not in known:
                unsure.append(i)
                continue
            count, value = known[i]
            if count > m and lo > value:
                found[i] = (count - m, value)
            elif count > m:
                unsure.append(i)  # its lowest row went: which is lowest now?
        self.put(uniq.tolist(), found)
        return unsure

    def add(self, ids: np.ndarray, scores: np.ndarray) -> None:
        """Add rows (``ids[k]``'s list gains a row scoring ``scores[k]``) to the lists."""
        if len(ids) == 0:
            return
        found = lists_from_rows(ids, scores)
        known = self.get(found)
        for i, (count, value) in known.items():
            n, low = found[i]
            found[i] = (count + n, min(value, low))
        self.put(found, found)


@dataclass
class Live:
    key: tuple
    version: tuple[int, str] | None
    live: LiveScorer
    need_floors: Floors
    offer_floors: Floors


_cache: dict[str, Live] = {}
#: Threads of one process take turns with the cache. Taken without waiting (a thread
#: that would wait scores with a private copy): a waiting thread may hold SQLite's read
#: lock that the holder needs to commit.
LOCK = threading.RLock()


_blas = None


def one_thread():
    """BLAS on one thread for this block: a refresh multiplies one row by a matrix, which
    a second thread only slows down (waking it costs more than it saves, and on a busy
    machine the product waits for it); a full rebuild keeps every thread."""
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


def _key(k: int) -> tuple:
    model = db.session.scalar(select(func.max(TextModel.id)))  # the newest row is in use
    weights = tuple(sorted(current_weights().items()))
    return (model, weights, k)


def scorer_for(offers, needs, reference) -> MatchScorer:
    """A scorer with the persisted text model and current weights, fitted on ``offers``."""
    return persisted_scorer(reference).fit(offers, needs)


def lists_from_rows(ids: np.ndarray, scores: np.ndarray) -> dict[int, tuple[int, float]]:
    """{item id: (rows, lowest score)} of the rows ``ids`` (item of each row), ``scores``."""
    if len(ids) == 0:
        return {}
    uniq, inverse, counts = np.unique(ids, return_inverse=True, return_counts=True)
    low = np.full(len(uniq), np.inf)
    np.minimum.at(low, inverse.ravel(), scores)
    return dict(zip(uniq.tolist(), zip(counts.tolist(), low.tolist(), strict=True),
                    strict=True))


def read_lists(column, ids) -> dict[int, tuple[int, float]]:
    """{item id: (rows, lowest score)} of these items' lists, from the index (all: None)."""
    stmt = select(column, func.count(), func.min(E.score)).group_by(column)
    if ids is not None:
        if not ids:
            return {}
        stmt = stmt.where(column.in_(sorted(ids)))
    return {i: (n, float(low)) for i, n, low in db.session.execute(stmt)}


def read_floors(column, ids, k: int) -> dict[int, float]:
    """{item id: lowest score} of these items' full lists, from the index (all: None)."""
    return {i: low for i, (n, low) in read_lists(column, ids).items() if n >= k}


def log_write(*, everything: bool = False, need_ids=(), offer_ids=(), need_lists=(),
              offer_lists=()) -> tuple[int, str]:
    """Append the log row of an index write; returns the new version."""
    token = secrets.token_hex(16)
    new_id = db.session.execute(insert(MatchIndexLog).values(
        token=token, everything=everything, need_ids=sorted(need_ids),
        offer_ids=sorted(offer_ids), need_lists=sorted(need_lists),
        offer_lists=sorted(offer_lists)).returning(MatchIndexLog.id)).scalar_one()
    if everything:
        db.session.execute(delete(MatchIndexLog).where(MatchIndexLog.id < new_id))
    elif new_id % 100 == 0:
        db.session.execute(delete(MatchIndexLog).where(MatchIndexLog.id <= new_id - KEEP_LOG))
    return new_id, token


def _url() -> str:
    return str(db.engine.url)


def forget() -> None:
    """Drop this process's cache for the current database."""
    _cache.pop(_url(), None)


def remember(live: LiveScorer, version: tuple[int, str] | None, k: int, keep: bool = True,
             rows=None) -> Live:
    """Cache ``live`` as of ``version``; lists from the stored ``(need ids, offer ids,
    scores)`` when given (a rebuild), else read from the index."""
    if rows is not None:
        need_f, offer_f = (lists_from_rows(ids, rows[2]) for ids in rows[:2])
    else:
        need_f, offer_f = read_lists(E.need_id, None), read_lists(E.offer_id, None)
    cached = Live(_key(k), version, live, Floors(), Floors())
    cached.need_floors.put([], need_f)
    cached.offer_floors.put([], offer_f)
    if keep:
        _cache[_url()] = cached
    return cached


def private(k: int) -> Live:
    """A fresh state for this call only (the shared cache is busy)."""
    return _load(k, keep=False)


def _load(k: int, keep: bool = True) -> Live:
    needs, offers = load_needs(), load_offers()
    reference = load_reference()
    scorer = scorer_for(offers, needs, reference)
    newest = db.session.execute(select(MatchIndexLog.id, MatchIndexLog.token)
                                .order_by(MatchIndexLog.id.desc()).limit(1)).first()
    return remember(LiveScorer(scorer, needs), tuple(newest) if newest else None, k, keep)


def current(k: int) -> Live:
    """The cache, brought up to the index's version (replayed or reloaded)."""
    cached = _cache.get(_url())
    if cached is None or cached.version is None or cached.key != _key(k):
        return _load(k)
    since = db.session.execute(select(MatchIndexLog).where(
        MatchIndexLog.id >= cached.version[0]).order_by(MatchIndexLog.id)).scalars().all()
    if not since or (since[0].id, since[0].token) != cached.version:
        return _load(k)  # our version was pruned or never committed
    later = since[1:]
    if not later:
        return cached
    if any(r.everything for r in later) or \
            sum(len(r.need_ids) + len(r.offer_ids) for r in later) > REPLAY_LIMIT:
        return _load(k)
    version, cached.version = cached.version, None  # invalid until replayed
    need_ids = {i for r in later for i in r.need_ids}
    offer_ids = {i for r in later for i in r.offer_ids}
    if offer_ids:
        cached.live.put_offers(offer_ids, load_offers(sorted(offer_ids)))
    if need_ids:
        cached.live.put_needs(need_ids, load_needs(sorted(need_ids)))
    need_lists = need_ids | {i for r in later for i in r.need_lists}
    offer_lists = offer_ids | {i for r in later for i in r.offer_lists}
    cached.need_floors.put(need_lists, read_lists(E.need_id, need_lists))
    cached.offer_floors.put(offer_lists, read_lists(E.offer_id, offer_lists))
    cached.version = (later[-1].id, later[-1].token) if later else version
    return cached
