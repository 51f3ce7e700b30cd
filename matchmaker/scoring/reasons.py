"""1–3 Chinese reasons per ranked pair, strongest contribution first."""

from __future__ import annotations

import numpy as np

from .data import FACTORS, NeedTable, OfferTable, PairingInfo, Reference

#: A factor is worth a reason at or above this value.
REASON_THRESHOLD = {"sector": 0.7, "budget": 0.3, "region": 0.4, "text": 0.2}


def _pairing_lookup(reference: Reference) -> dict[tuple[str, str], PairingInfo]:
    """(supporter province, recipient region) → pairing, for the region reason."""
    return {(p.supporter_region_code, p.recipient_region_code): p
            for p in reference.pairings if p.supporter_region_code}


def _paired_with(reference: Reference, lookup: dict, province: str | None,
                 need_region: str) -> PairingInfo | None:
    pref = reference.prefecture_of(need_region)
    for target in (need_region, pref):
        if target and (province, target) in lookup:
            return lookup[(province, target)]
    for (supporter, recipient), pairing in lookup.items():  # a county of the need's prefecture
        region = reference.region_by_code.get(recipient)
        if supporter == province and region is not None and region.parent_code == need_region:
            return pairing
    return None


def sector_reason(reference: Reference, level: int, need_sector: str) -> str:
    sector = reference.sector_by_code.get(need_sector)
    name = reference.sector_name(need_sector)
    if level == 3:
        return f"领域一致：{name}"
    if level == 2:
        return f"领域涵盖：{name}"
    parent = reference.sector_name(sector.parent_code) if sector and sector.parent_code else name
    return f"同属领域：{parent}"


def region_reason(reference: Reference, level: int, need_region: str,
                  targets: tuple[str, ...], org_region: str | None, lookup: dict) -> str:
    name = reference.region_name(need_region)
    pref = reference.prefecture_of(need_region)
    if level == 5:
        hit = need_region if need_region in targets else pref
        return f"定向支持：{reference.region_name(hit)}"
    if level == 4:
        province = reference.province_of(org_region)
        pairing = _paired_with(reference, lookup, province, need_region)
        if pairing is None:
            return f"对口支援：{reference.region_name(province)} → {name}"
        label = (f"对口支援：{pairing.supporter_name} → "
                 f"{reference.region_name(pairing.recipient_region_code)}")
        return label if pairing.verified else label + "（待核实）"
    if level == 3:
        return f"支持同一地区的县：{reference.region_name(pref)}"
    if level == 2:
        return f"同一受援省区：{reference.region_name(reference.province_of(need_region))}"
    return "面向所有受援地区"


def budget_reason(value: float, uncommitted: float, remaining: float) -> str:
    if uncommitted > 0 and remaining >= uncommitted:
        return "资金可全额覆盖需求"
    share = remaining / uncommitted if uncommitted > 0 else 0.0
    return f"资金可覆盖需求的 {share:.0%}"


def explain(ranking, needs: NeedTable, offers: OfferTable, reference: Reference,
            weights: np.ndarray, limit: int = 3) -> list[list[str]]:
    """Reasons for each ranked pair: factors above their threshold, largest weighted
    contribution first; at least one reason per pair.

    Parameters
    ----------
    ranking : Ranking
    needs, offers : the tables the ranking indexes
    reference : Reference
    weights : ndarray of shape (n_factors,)
    limit : int, default 3
    """
    lookup = _pairing_lookup(reference)
    contribution = ranking.factors * weights[None, :]
    thresholds = np.array([REASON_THRESHOLD[f] for f in FACTORS])
    out: list[list[str]] = []
    for k in range(len(ranking)):
        i, j = int(ranking.need_index[k]), int(ranking.offer_index[k])
        values = ranking.factors[k]
        order = np.argsort(-contribution[k], kind="stable")
        chosen = [f for f in order if values[f] + 1e-6 >= thresholds[f]][:limit] or order[:1]
        reasons = []
        for f in chosen:
            name = FACTORS[f]
            if name == "sector":
                reasons.append(sector_reason(reference, int(ranking.sector_level[k]),
                                             needs.sector_codes[i]))
            elif name == "region":
                reasons.append(region_reason(
                    reference, int(ranking.region_level[k]), needs.region_codes[i],
                    offers.target_region_codes[j], offers.org_region_codes[j], lookup))
            elif name == "budget":
                reasons.append(budget_reason(float(values[f]), float(needs.uncommitted_yuan[i]),
                                             float(offers.remaining_yuan[j])))
            else:
                reasons.append(f"项目内容相近（内容相似度 {values[f] * 100:.0f}）")
        out.append(reasons)
    return out
