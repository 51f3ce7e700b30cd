"""新的推荐: tell the owners of a need or offer when an incremental index refresh gives it
new candidates worth a look.

A pair is *new* when it was not in the index before this refresh and scores at least
``NEW_CANDIDATE_NOTIFY_SCORE``; only pairs the read-time re-check keeps count (published,
money left, organisations in good standing, no rejected or live match). The items the
refresh was run for (the offer just published, the need just edited, the items of an
organisation just verified) are not announced to their own owners: they are looking at
them. Their counterparts are: one notification per item and refresh, to its
organisation's users and the coordinators. A full rebuild announces nothing.
"""

from __future__ import annotations

from collections import defaultdict

from flask import current_app
from sqlalchemy import or_, select

from ...extensions import db
from ...models import MatchIndexEntry, Need, Offer
from ..platform import notifications
from .index_read import open_entries

E = MatchIndexEntry


def threshold() -> float:
    """The lowest score (0–1) of a candidate worth a notification."""
    return float(current_app.config.get("NEW_CANDIDATE_NOTIFY_SCORE", 0.7))


def _touching(need_ids: set[int], offer_ids: set[int]):
    return or_(E.need_id.in_(sorted(need_ids)), E.offer_id.in_(sorted(offer_ids)))


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
    fresh = [(entry, need, offer) for entry, need, offer
             in open_entries(_touching(need_ids, offer_ids), E.score >= threshold())
             if (entry.need_id, entry.offer_id) not in before]
    for_need: dict[int, list[tuple[Need, Offer]]] = defaultdict(list)
    for_offer: dict[int, list[tuple[Offer, Need]]] = defaultdict(list)
    for _entry, need, offer in fresh:  # best first
        if need.id not in need_ids:
            for_need[need.id].append((need, offer))
        if offer.id not in offer_ids:
            for_offer[offer.id].append((offer, need))
    for found in (*for_need.values(), *for_offer.values()):
        item, best = found[0]
        notifications.new_candidates(item, len(found), best)
    return len(for_need) + len(for_offer)
