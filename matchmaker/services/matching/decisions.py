"""Coordinators' decisions as training data for learning to rank (``scoring.learn``).

A group is one need with at least one decision: the offers confirmed for it (still
confirmed, accepted or completed) are chosen; the offers rejected (否决) or declined (谢绝)
for it, and the other candidates a coordinator had in front of them, were passed over.

Which candidates were shown is stored with each decision (``Match.shown_offer_ids``: the
need's candidates page, read from the match index when the decision was recorded), so a group
learns from what the coordinator really passed over, not from what today's weights would show.
For decisions recorded before that was kept, it is **recomputed**: the need's top ``SHOWN``
candidates under the current weights (the length of the candidates page), with money as
before the decisions (both sides' full budgets) and the offer's target regions applied,
against every offer published now or decided on. Groups are numbered by the time of their
first decision, oldest first, for the time split.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, or_, select

from ...extensions import db
from ...models import LIVE_STATUSES, Match, Need, Offer, Organisation
from ...models.offers import offer_regions, offer_sectors
from ...scoring import DecisionGroups, MatchScorer, NeedTable, OfferTable
from ...scoring.gates import gate_matrix
from .ranking import load_reference, persisted_scorer

#: Candidates a coordinator sees for a need (the candidates page's length).
SHOWN = 10
#: Needs scored at once against every offer (bounds memory: SHOWN ≪ offers).
CHUNK = 200
NEGATIVE = ("rejected", "declined")


@dataclass
class DecisionCounts:
    """How many decisions of each kind went into the groups."""

    confirmed: int = 0
    rejected: int = 0
    declined: int = 0
    passed_over: int = 0
    groups: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def counts() -> dict[str, int]:
    """Decisions by status (for the weights page, without scoring anything)."""
    stmt = select(Match.status, func.count()).where(
        Match.status.in_((*LIVE_STATUSES, *NEGATIVE))).group_by(Match.status)
    found = dict(db.session.execute(stmt).all())
    return {"confirmed": sum(found.get(s, 0) for s in LIVE_STATUSES),
            "rejected": found.get("rejected", 0), "declined": found.get("declined", 0)}


def _decided() -> dict[int, dict]:
    """need id → {"chosen": set, "other": set, "first": time}, needs with a choice only."""
    stmt = (select(Match.need_id, Match.offer_id, Match.status, Match.created_at,
                   Match.shown_offer_ids)
            .where(Match.status.in_((*LIVE_STATUSES, *NEGATIVE)))
            .order_by(Match.created_at, Match.id))
    needs: dict[int, dict] = {}
    for need_id, offer_id, status, at, shown in db.session.execute(stmt):
        item = needs.setdefault(need_id, {"chosen": set(), "other": set(), "first": at,
                                          "statuses": [], "shown": None})
        (item["chosen"] if status in LIVE_STATUSES else item["other"]).add(offer_id)
        item["statuses"].append(status)
        if shown is not None:  # kept with the decision: what the page showed then
            item["shown"] = (item["shown"] or set()) | {int(o) for o in shown}
    return {k: v for k, v in needs.items() if v["chosen"]}


def _needs(ids: list[int]) -> NeedTable:
    stmt = (select(Need.id, Need.title, Need.description, Need.sector_code, Need.region_code,
                   Need.budget_yuan.label("uncommitted_yuan"))
            .where(Need.id.in_(ids)))
    rows = {r.id: r._asdict() for r in db.session.execute(stmt)}
    return NeedTable.from_records(rows[i] for i in ids if i in rows)


def _offers(decided: set[int]) -> OfferTable:
    """Offers published now or decided on, with their full budgets."""
    stmt = (select(Offer.id, Offer.title, Offer.description,
                   Offer.budget_yuan.label("remaining_yuan"),
                   Organisation.region_code.label("org_region_code"))
            .join(Organisation, Offer.organisation_id == Organisation.id)
            .where(or_(Offer.status == "published", Offer.id.in_(sorted(decided))))
            .order_by(Offer.id))
    rows = [r._asdict() for r in db.session.execute(stmt)]
    ids = [r["id"] for r in rows]
    sectors, regions = defaultdict(list), defaultdict(list)
    for table, column, into in ((offer_sectors, "sector_code", sectors),
                                (offer_regions, "region_code", regions)):
        for start in range(0, len(ids), 5000):
            stmt = select(table.c.offer_id, table.c[column]).where(
                table.c.offer_id.in_(ids[start:start + 5000]))
            for offer_id, code in db.session.execute(stmt):
                into[offer_id].append(code)
    for row in rows:
        row["sector_codes"] = tuple(sorted(sectors[row["id"]]))
        row["target_region_codes"] = tuple(sorted(regions[row["id"]]))
    return OfferTable.from_records(rows)


def _shown(scorer: MatchScorer, needs: NeedTable, known: list[bool]) -> list[np.ndarray]:
    """Per need, the offer columns of its top ``SHOWN`` candidates under ``scorer``; empty
    for needs whose shown candidates were ``known`` (kept with their decisions), and a chunk
    of such needs only is not scored at all."""
    out = []
    for start in range(0, len(needs), CHUNK):
        if all(known[start:start + CHUNK]):
            out.extend(np.zeros(0, np.intp) for _ in known[start:start + CHUNK])
            continue
        part = NeedTable(needs.ids[start:start + CHUNK], needs.titles[start:start + CHUNK],
                         needs.descriptions[start:start + CHUNK],
                         needs.sector_codes[start:start + CHUNK],
                         needs.region_codes[start:start + CHUNK],
                         needs.uncommitted_yuan[start:start + CHUNK])
        score, _, candidate = scorer.score_matrix(part)
        score = np.where(candidate, score, -np.inf)
        for row in range(len(part)):
            top = np.argsort(-score[row], kind="stable")[:SHOWN]
            out.append(top[np.isfinite(score[row, top])])
    return out


def load(weights: dict[str, float]) -> tuple[DecisionGroups, DecisionCounts]:
    """The decision groups (features: factors × gates, see ``scoring.learn``) and counts."""
    decided = _decided()
    tally = DecisionCounts()
    empty = DecisionGroups(np.zeros((0, 4)), np.zeros(0, np.int64), np.zeros(0))
    if not decided:
        return empty, tally
    order = sorted(decided, key=lambda n: (decided[n]["first"], n))
    needs = _needs(order)
    offers = _offers({o for item in decided.values()
                      for o in item["chosen"] | item["other"] | (item["shown"] or set())})
    if len(needs) == 0 or len(offers) == 0:
        return empty, tally
    scorer = persisted_scorer(load_reference(), weights=weights).fit(offers, needs)
    column = {int(o): j for j, o in enumerate(offers.ids)}
    need_idx, offer_idx, relevance = [], [], []
    known = [decided[int(n)]["shown"] is not None for n in needs.ids]
    for i, shown in enumerate(_shown(scorer, needs, known)):
        item = decided[int(needs.ids[i])]
        chosen = {column[o] for o in item["chosen"] if o in column}
        other = {column[o] for o in item["other"] if o in column} - chosen
        if item["shown"] is not None:
            shown = np.array([column[o] for o in item["shown"] if o in column], np.intp)
        passed = set(shown.tolist()) - chosen - other
        for j in sorted(chosen | other | passed):
            need_idx.append(i)
            offer_idx.append(j)
            relevance.append(1.0 if j in chosen else 0.0)
        statuses = item["statuses"]
        tally.confirmed += sum(s in LIVE_STATUSES for s in statuses)
        tally.rejected += statuses.count("rejected")
        tally.declined += statuses.count("declined")
        tally.passed_over += len(passed)
        tally.groups += 1
    ranking = scorer.score_pairs(needs, np.array(need_idx), np.array(offer_idx))
    rel = dict(zip(zip(need_idx, offer_idx, strict=True), relevance, strict=True))
    gates = gate_matrix(ranking.sector_level, ranking.region_level,
                        needs.uncommitted_yuan[ranking.need_index],
                        offers.remaining_yuan[ranking.offer_index])
    groups = DecisionGroups(
        features=ranking.factors.astype(np.float64) * gates[:, None],
        group=ranking.need_index.astype(np.int64),  # needs are in time order
        relevance=np.array([rel[(int(i), int(j))] for i, j in
                            zip(ranking.need_index, ranking.offer_index, strict=True)]))
    return groups, tally
