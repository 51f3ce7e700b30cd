"""Matching: load needs, offers and reference data, run the scoring engine, shape results.

Hard filters applied here in SQL: published needs and offers only, organisations not
suspended, offers with remaining money, needs with uncommitted money. Pairs a coordinator
rejected, and pairs that already have a live match, never come back as candidates.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from flask import current_app
from sqlalchemy import select

from ...extensions import db
from ...models import (
    LIVE_STATUSES,
    Match,
    Need,
    Offer,
    Organisation,
    Pairing,
    Region,
    Sector,
)
from ...models.offers import offer_regions, offer_sectors
from ...permissions import ACTING_ORG_STATUSES
from ...scoring import (
    FACTORS,
    MatchScorer,
    NeedTable,
    OfferTable,
    PairingInfo,
    Reference,
    RegionInfo,
    SectorInfo,
    explain,
)
from ..reference import lexicon
from . import index_read, text_model
from .weights import current_weights


def load_reference() -> Reference:
    """Regions, sectors and the active pairings (verified or not) from the database."""
    regions = [RegionInfo(r.code, r.name, r.level, r.parent_code, r.province_code)
               for r in db.session.scalars(select(Region))]
    sectors = [SectorInfo(s.code, s.name, s.parent_code)
               for s in db.session.scalars(select(Sector))]
    pairings = [PairingInfo(p.supporter_name, p.supporter_region_code, p.recipient_region_code,
                            p.verified)
                for p in db.session.scalars(select(Pairing).where(Pairing.active.is_(True)))]
    return Reference(regions, sectors, pairings)


def _open_org():
    """Only organisations that may publish are ranked (a verified organisation moved back
    to pending, or suspended, drops out)."""
    return Organisation.status.in_(ACTING_ORG_STATUSES)


def load_needs(ids: list[int] | None = None) -> NeedTable:
    """Published needs of organisations not suspended, with uncommitted money."""
    stmt = (
        select(Need.id, Need.title, Need.description, Need.sector_code, Need.region_code,
               Need.budget_yuan, Need.committed_yuan)
        .join(Organisation, Need.organisation_id == Organisation.id)
        .where(Need.status == "published", _open_org(), Need.budget_yuan > Need.committed_yuan)
        .order_by(Need.id)
    )
    if ids is not None:
        stmt = stmt.where(Need.id.in_(ids))
    return NeedTable.from_records(row._asdict() for row in db.session.execute(stmt))


def load_offers(ids: list[int] | None = None) -> OfferTable:
    """Published offers of organisations not suspended, with remaining money."""
    stmt = (
        select(Offer.id, Offer.title, Offer.description, Offer.budget_yuan,
               Offer.committed_yuan, Organisation.region_code.label("org_region_code"))
        .join(Organisation, Offer.organisation_id == Organisation.id)
        .where(Offer.status == "published", _open_org(), Offer.budget_yuan > Offer.committed_yuan)
        .order_by(Offer.id)
    )
    if ids is not None:
        stmt = stmt.where(Offer.id.in_(ids))
    rows = [row._asdict() for row in db.session.execute(stmt)]
    wanted = [r["id"] for r in rows]
    sectors, regions = defaultdict(list), defaultdict(list)
    if wanted:
        for table, column, into in ((offer_sectors, "sector_code", sectors),
                                    (offer_regions, "region_code", regions)):
            chosen = wanted if ids is not None else select(Offer.id).where(
                Offer.status == "published")
            stmt = select(table.c.offer_id, table.c[column]).where(table.c.offer_id.in_(chosen))
            for offer_id, code in db.session.execute(stmt):
                into[offer_id].append(code)
    for row in rows:
        row["sector_codes"] = tuple(sorted(sectors[row["id"]]))
        row["target_region_codes"] = tuple(sorted(regions[row["id"]]))
    return OfferTable.from_records(rows)


def excluded_pairs(need_ids: list[int] | None = None,
                   offer_ids: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(need ids, offer ids) of pairs rejected by a coordinator or already matched (only
    those of these needs, or of these offers, when given)."""
    stmt = select(Match.need_id, Match.offer_id).where(
        Match.status.in_(("rejected", *LIVE_STATUSES))
    )
    if need_ids is not None:
        stmt = stmt.where(Match.need_id.in_(need_ids))
    if offer_ids is not None:
        stmt = stmt.where(Match.offer_id.in_(offer_ids))
    pairs = list(db.session.execute(stmt))
    return (np.array([p[0] for p in pairs], np.int64), np.array([p[1] for p in pairs], np.int64))


def persisted_scorer(reference: Reference, widen: bool = False,
                     weights: dict[str, float] | None = None) -> MatchScorer:
    """An unfitted scorer with the persisted text model (fitted now if there is none), its
    lexicon and concept weight, and the current weights (or ``weights``, for learning):
    what the match index scores with, so on-demand ranking and the index agree on every
    pair."""
    row, _ = text_model.ensure()
    return MatchScorer(reference, weights=weights or current_weights(), widen=widen,
                       tokens=current_app.config.get("SCORING_TEXT_TOKENS", "char"),
                       embedder=text_model.embedder_of(row),
                       concept_weight=lexicon.score_weight())


def _on_demand(reference: Reference, widen: bool) -> MatchScorer:
    """The scorer of on-demand ranking, once committed changes have reached the index
    (a drifted corpus refits the persisted model there and rebuilds the index)."""
    index_read.prepare()
    return persisted_scorer(reference, widen)


def plan_scorer(widen: bool = False) -> MatchScorer:
    """An unfitted scorer with the current weights, reference data and the persisted text
    model (for 建议方案: its scores are the candidate pages' scores)."""
    return _on_demand(load_reference(), widen)


def _candidate(factors: np.ndarray, score: float, reasons: list[str],
               **ids: int) -> dict:
    return {**ids, "score": round(float(score), 4),
            "factors": {f: round(float(v), 4) for f, v in zip(FACTORS, factors, strict=True)},
            "reasons": reasons}


def candidates_for_need(need: Need, limit: int = 10, widen: bool = False) -> list[dict]:
    """Ranked offers for one need, fresh against current data (best first), scored with
    the persisted text model as the match index is."""
    needs = load_needs([need.id])
    offers = load_offers()
    if len(needs) == 0 or len(offers) == 0:
        return []
    reference = load_reference()
    scorer = _on_demand(reference, widen).fit(offers, needs)
    ranking = scorer.rank(needs, top_k=limit, exclude=excluded_pairs())
    reasons = explain(ranking, needs, offers, reference, scorer.weights_)
    return [_candidate(ranking.factors[k], ranking.score[k], reasons[k],
                       offer_id=int(offers.ids[ranking.offer_index[k]]))
            for k in range(len(ranking))]


def candidates_for_offer(offer: Offer, limit: int = 10, widen: bool = False) -> list[dict]:
    """Ranked needs for one offer, fresh against current data (best first), scored with
    the persisted text model as the match index is."""
    offers = load_offers([offer.id])
    needs = load_needs()
    if len(offers) == 0 or len(needs) == 0:
        return []
    reference = load_reference()
    scorer = _on_demand(reference, widen).fit(offers, needs)
    score, _, candidate = scorer.score_matrix(needs)
    banned_needs = {int(n) for n, o in zip(*excluded_pairs(), strict=True) if o == offer.id}
    candidate[:, 0] &= ~np.isin(needs.ids, list(banned_needs))
    rows = np.flatnonzero(candidate[:, 0])
    rows = rows[np.lexsort((needs.ids[rows], -score[rows, 0]))][:limit]
    ranking = scorer.score_pairs(needs, rows, np.zeros(len(rows), np.intp))
    reasons = explain(ranking, needs, offers, reference, scorer.weights_)
    return [_candidate(ranking.factors[k], ranking.score[k], reasons[k],
                       need_id=int(needs.ids[ranking.need_index[k]]))
            for k in range(len(ranking))]


def score_pair(need: Need, offer: Offer) -> dict:
    """Score, factors and reasons of one pair, filters aside (for recording a decision)."""
    needs = NeedTable.from_records([{
        "id": need.id, "title": need.title, "description": need.description,
        "sector_code": need.sector_code, "region_code": need.region_code,
        "uncommitted_yuan": need.uncommitted_yuan}])
    offers = OfferTable.from_records([{
        "id": offer.id, "title": offer.title, "description": offer.description,
        "sector_codes": offer.sector_codes, "target_region_codes": offer.target_region_codes,
        "org_region_code": offer.organisation.region_code,
        "remaining_yuan": offer.remaining_yuan}])
    reference = load_reference()
    scorer = persisted_scorer(reference, widen=True).fit(offers)  # no refit per decision
    ranking = scorer.score_pairs(needs, np.zeros(1, np.intp), np.zeros(1, np.intp))
    reasons = explain(ranking, needs, offers, reference, scorer.weights_)
    return _candidate(ranking.factors[0], ranking.score[0], reasons[0])
