"""1–3 Chinese reasons per ranked pair: what fits, strongest first, then what is missing."""

from __future__ import annotations

import numpy as np

from .concepts import ConceptLexicon, shared_concepts
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
    return f"资金{'仅' if share < 0.5 else '可'}覆盖需求的 {share:.0%}"


def _top_sector(reference: Reference, code: str) -> str:
    sector = reference.sector_by_code.get(code)
    return reference.sector_name(sector.parent_code if sector and sector.parent_code else code)


def _first_concept(matrix) -> np.ndarray:
    """Per row of a 0/1 concept matrix, its first concept column, -1 for none."""
    matrix = matrix.tocsr()
    matrix.sort_indices()
    first = np.full(matrix.shape[0], -1, dtype=np.intp)
    rows = np.flatnonzero(np.diff(matrix.indptr) > 0)
    first[rows] = matrix.indices[matrix.indptr[rows]]
    return first


def _concept_names(needs: NeedTable, offers: OfferTable, ranking,
                   lexicon: ConceptLexicon | None) -> tuple[list, list]:
    """Per pair, the project type (concept) both sides name, or None; and, when they name
    none in common but each names one, the two different project types, else None."""
    if lexicon is None:
        lexicon = ranking.lexicon if isinstance(ranking.lexicon, ConceptLexicon) \
            else ConceptLexicon.shipped()
    rows, need_pos = np.unique(ranking.need_index, return_inverse=True)
    cols, offer_pos = np.unique(ranking.offer_index, return_inverse=True)
    need_c = lexicon.transform([needs.titles[i] + " " + needs.descriptions[i] for i in rows])
    offer_c = lexicon.transform([offers.titles[j] + " " + offers.descriptions[j] for j in cols])
    first = shared_concepts(need_c, offer_c, need_pos, offer_pos)
    need_one = _first_concept(need_c)[need_pos]
    offer_one = _first_concept(offer_c)[offer_pos]
    names = lexicon.names
    shared = [names[c] if c >= 0 else None for c in first.tolist()]
    differ = [(names[a], names[b]) if c < 0 and a >= 0 and b >= 0 else None
              for c, a, b in zip(first.tolist(), need_one.tolist(), offer_one.tolist(),
                                 strict=True)]
    return shared, differ


def _region_gap(reference: Reference, targets: tuple[str, ...]) -> str:
    names = "、".join(reference.region_name(c) for c in targets[:2])
    return f"地区不符：供给定向{names}{'等' if len(targets) > 2 else ''}"


def explain(ranking, needs: NeedTable, offers: OfferTable, reference: Reference,
            weights: np.ndarray, limit: int = 3,
            lexicon: ConceptLexicon | None = None) -> list[list[str]]:
    """Reasons for each ranked pair, in a coordinator's words: what fits (factors above their
    threshold, largest weighted contribution first; the text reason names the shared project
    type, "同为先天性心脏病救治"), then what is missing ("领域不同：教育 vs 医疗卫生",
    "项目类型不同：两癌筛查 vs 先天性心脏病救治", "地区不符：供给定向和田地区",
    "资金仅覆盖需求的 40%"). At most ``limit`` reasons, at least one; gaps are kept before
    weaker fits.

    Each distinct wording (sector level × sectors, region level × regions × supporter) is
    built once and reused across pairs.

    Parameters
    ----------
    ranking : Ranking
    needs, offers : the tables the ranking indexes
    reference : Reference
    weights : ndarray of shape (n_factors,)
    limit : int, default 3
    lexicon : ConceptLexicon, optional
        Names the shared concept; by default the one the scorer used (``ranking.lexicon``).
    """
    lookup = _pairing_lookup(reference)
    contribution = ranking.factors * weights[None, :]
    thresholds = np.array([REASON_THRESHOLD[f] for f in FACTORS])
    orders = np.argsort(-contribution, axis=1, kind="stable")
    above = ranking.factors + 1e-6 >= thresholds[None, :]
    concepts, differ = (_concept_names(needs, offers, ranking, lexicon) if len(ranking)
                        else ([], []))
    uncommitted = needs.uncommitted_yuan[ranking.need_index]
    remaining = offers.remaining_yuan[ranking.offer_index]
    memo: dict[tuple, str] = {}

    def once(key: tuple, build) -> str:
        if key not in memo:
            memo[key] = build(key)
        return memo[key]

    out: list[list[str]] = []
    for k in range(len(ranking)):
        i, j = int(ranking.need_index[k]), int(ranking.offer_index[k])
        s_level, r_level = int(ranking.sector_level[k]), int(ranking.region_level[k])
        gaps = []
        if s_level == 0:
            offer_sector = offers.sector_codes[j][0] if offers.sector_codes[j] else ""
            key = ("gap", needs.sector_codes[i], offer_sector)
            gaps.append(once(key, lambda c: f"领域不同：{_top_sector(reference, c[1])} vs "
                                           f"{_top_sector(reference, c[2])}"))
        elif differ[k]:
            gaps.append("项目类型不同：{} vs {}".format(*differ[k]))
        if r_level == 0 and offers.target_region_codes[j]:  # shown when the search is widened
            key = ("region-gap", offers.target_region_codes[j])
            gaps.append(once(key, lambda c: _region_gap(reference, c[1])))
        if remaining[k] < uncommitted[k]:
            gaps.append(budget_reason(0.0, float(uncommitted[k]), float(remaining[k])))
        fits = []
        for f in orders[k]:
            name = FACTORS[f]
            if not above[k, f] or name == "budget" and remaining[k] < uncommitted[k]:
                continue
            if name == "sector":
                key = ("sector", s_level, needs.sector_codes[i])
                fits.append(once(key, lambda c: sector_reason(reference, c[1], c[2])))
            elif name == "region":
                key = ("region", r_level, needs.region_codes[i], offers.target_region_codes[j],
                       offers.org_region_codes[j])
                fits.append(once(key, lambda c: region_reason(reference, *c[1:], lookup)))
            elif name == "budget":
                fits.append("资金可全额覆盖需求")
            elif concepts[k]:
                fits.append(f"同为{concepts[k]}")
            else:
                fits.append(f"项目内容相近（内容相似度 {ranking.factors[k, f] * 100:.0f}）")
        reasons = fits[:max(limit - len(gaps), 1)] + gaps
        out.append(reasons[:limit] or [budget_reason(0.0, float(uncommitted[k]),
                                                     float(remaining[k]))])
    return out
