"""建议方案: score every need–offer pair in a scope (province, sector), allocate money with
the optimiser, and confirm a chosen allocation in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from ...extensions import db
from ...models import Need, Offer, User
from ...scoring.plan import allocate
from ..errors import Conflict, DomainError
from ..money import wan_text
from . import lifecycle, ranking

MAX_SIDE = 500  # needs or offers in one plan: a coordinator reviews the table by hand


@dataclass(frozen=True)
class PlanRow:
    need: Need
    offer: Offer
    score: float
    amount_yuan: int
    factors: dict[str, float] = field(default_factory=dict)


def _in_scope(ids: np.ndarray, model, province: str, sector: str) -> list[int]:
    rows = db.session.scalars(select(model).where(model.id.in_([int(i) for i in ids]))).all()
    keep = []
    for row in rows:
        if model is Need:
            ok = (not province or row.region.province_code == province) and (
                not sector or row.sector_code.startswith(sector))
        else:
            ok = not sector or any(c.startswith(sector) for c in row.sector_codes)
        if ok:
            keep.append(row.id)
    return sorted(keep)


def suggest(*, province: str = "", sector: str = "") -> list[PlanRow]:
    """The optimal allocation for the needs of ``province`` and the offers and needs of
    ``sector`` (codes; empty = all), best score first."""
    need_ids = _in_scope(ranking.load_needs().ids, Need, province, sector)[:MAX_SIDE]
    offer_ids = _in_scope(ranking.load_offers().ids, Offer, "", sector)[:MAX_SIDE]
    if not need_ids or not offer_ids:
        return []
    needs, offers = ranking.load_needs(need_ids), ranking.load_offers(offer_ids)
    scorer = ranking.plan_scorer().fit(offers, needs)
    score, factors, candidate = scorer.score_matrix(needs)
    allowed = np.asarray(candidate, dtype=bool).copy()
    index_n = {int(v): i for i, v in enumerate(needs.ids)}
    index_o = {int(v): j for j, v in enumerate(offers.ids)}
    for n, o in zip(*ranking.excluded_pairs(), strict=True):
        if int(n) in index_n and int(o) in index_o:
            allowed[index_n[int(n)], index_o[int(o)]] = False
    amounts = allocate(score, allowed, np.asarray(needs.uncommitted_yuan, dtype=np.int64),
                       np.asarray(offers.remaining_yuan, dtype=np.int64))
    need_rows = {n.id: n for n in db.session.scalars(select(Need).where(Need.id.in_(need_ids)))}
    offer_rows = {o.id: o for o in db.session.scalars(
        select(Offer).where(Offer.id.in_(offer_ids)))}
    plan = [PlanRow(need_rows[int(needs.ids[i])], offer_rows[int(offers.ids[j])],
                    float(score[i, j]), int(amounts[i, j]),
                    {f: float(np.asarray(m[i, j])) for f, m in factors.items()})
            for i, j in zip(*np.nonzero(amounts), strict=True)]
    return sorted(plan, key=lambda r: (-r.score, r.need.id, r.offer.id))


def posted_rows(rows: list[tuple[int, int, int, float | None]]) -> list[PlanRow]:
    """Plan rows as posted back by the coordinator — (need_id, offer_id, amount_yuan,
    score 0–1 or None) — with their need and offer loaded; a row naming no need or offer
    means the form is stale."""
    need_ids = {n for n, _, _, _ in rows}
    offer_ids = {o for _, o, _, _ in rows}
    needs = {n.id: n for n in db.session.scalars(select(Need).where(Need.id.in_(need_ids)))}
    offers = {o.id: o for o in db.session.scalars(select(Offer).where(Offer.id.in_(offer_ids)))}
    if set(needs) != need_ids or set(offers) != offer_ids:
        raise DomainError("建议方案数据有误，请重新生成方案。")
    return [PlanRow(needs[n], offers[o], score if score is not None else float("nan"), amount)
            for n, o, amount, score in rows]


def confirm_all(rows: list[tuple[int, int, int]], *, by: User, ip: str | None = None) -> list:
    """Confirm every (need_id, offer_id, amount_yuan); any failure undoes all of them
    (the caller runs this inside one transaction)."""
    if not rows:
        raise DomainError("请至少选择一项对接。")
    created = []
    for number, (need_id, offer_id, amount) in enumerate(rows, start=1):
        try:
            created.append(lifecycle.decide(lifecycle.Decision(
                need_id, offer_id, "confirmed", amount, note="建议方案"), by=by, ip=ip))
        except DomainError as exc:
            need = db.session.get(Need, need_id)
            title = need.title if need else f"需求 {need_id}"
            raise Conflict(f"第 {number} 行（{title}，{wan_text(amount)} 万元）：{exc.message}"
                           "未确认任何对接。") from None
    return created
