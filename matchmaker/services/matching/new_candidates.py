"""新的推荐: tell the owners of a need or offer when an incremental index refresh gives it
new candidates worth a look.

A pair is *new* when it was not in the index before this refresh and scores at least
``NEW_CANDIDATE_NOTIFY_SCORE``; only pairs the read-time re-check keeps count (published,
money left, organisations in good standing, no rejected or live match). The items the
refresh was run for (the offer just published, the need just edited, the items of an
organisation just verified) are not announced to their own owners: they are looking at
them. Their counterparts are: one notification per item and refresh, to its
organisation's users and the coordinators. A full rebuild announces nothing.

Never twice: every announced pair is recorded per organisation told
(``match_announcements``, unique), so a pair that leaves the index and comes back (money
used up and restored, an offer retargeted and back) is not announced to it again.
"""

from __future__ import annotations

from collections import defaultdict

from flask import current_app
from sqlalchemy import insert, or_, select, tuple_

from ...extensions import db
from ...models import MatchAnnouncement, MatchIndexEntry, Need, Offer
from ..platform import notifications
from .index_read import open_entries

E = MatchIndexEntry


def threshold() -> float:
    """The lowest score (0–1) of a candidate worth a notification."""
    return float(current_app.config.get("NEW_CANDIDATE_NOTIFY_SCORE", 0.7))


def _touching(need_ids: set[int], offer_ids: set[int]):
    """Rows of these needs or offers. An empty side is left out, not written as an empty
    IN: SQLite then reads the other side's index instead of scanning the whole index."""
    parts = [column.in_(sorted(ids)) for column, ids in ((E.need_id, need_ids),
                                                         (E.offer_id, offer_ids)) if ids]
    return parts[0] if len(parts) == 1 else or_(*parts)


def snapshot(need_ids: set[int], offer_ids: set[int]) -> set[tuple[int, int]]:
    """The pairs of the index a refresh of these items may replace (call it before)."""
    if not need_ids and not offer_ids:
        return set()
    stmt = select(E.need_id, E.offer_id).where(_touching(need_ids, offer_ids))
    return {(n, o) for n, o in db.session.execute(stmt)}


def announce(before: set[tuple[int, int]], need_ids: set[int], offer_ids: set[int]) -> int:
    """Notify about pairs the refresh of these items added; returns how many items were
    announced."""
    if not need_ids and not offer_ids:
        return 0
    high = select(E.need_id, E.offer_id).where(_touching(need_ids, offer_ids),
                                               E.score >= threshold())
    added = {(n, o) for n, o in db.session.execute(high)} - before
    if not added:  # the usual refresh: nothing new worth a word, no rows loaded
        return 0
    fresh = open_entries(tuple_(E.need_id, E.offer_id).in_(sorted(added)))
    told = _announced({(need.id, offer.id) for _entry, need, offer in fresh})
    for_need: dict[int, list[tuple[Need, Offer]]] = defaultdict(list)
    for_offer: dict[int, list[tuple[Offer, Need]]] = defaultdict(list)
    record = []
    for _entry, need, offer in fresh:  # best first
        for item, other, into, skip in ((need, offer, for_need, need_ids),
                                        (offer, need, for_offer, offer_ids)):
            key = (need.id, offer.id, item.organisation_id)
            if item.id not in skip and key not in told:
                into[item.id].append((item, other))
                record.append(key)
                told.add(key)
    if record:
        db.session.execute(insert(MatchAnnouncement), [
            {"need_id": n, "offer_id": o, "organisation_id": g} for n, o, g in record])
    for found in (*for_need.values(), *for_offer.values()):
        item, best = found[0]
        notifications.new_candidates(item, len(found), best)
    return len(for_need) + len(for_offer)


def _announced(pairs: set[tuple[int, int]]) -> set[tuple[int, int, int]]:
    """(need, offer, organisation) of these pairs already announced."""
    if not pairs:
        return set()
    A = MatchAnnouncement
    stmt = select(A.need_id, A.offer_id, A.organisation_id).where(
        tuple_(A.need_id, A.offer_id).in_(sorted(pairs)))
    return {tuple(row) for row in db.session.execute(stmt)}
