"""Reasons in a coordinator's words: the shared project type, the official pairing, and what
is missing (another sector, another project type, another region, not enough money); the
vectorised wording equals the plain per-pair rules, pair for pair."""

from __future__ import annotations

import random

import numpy as np
import pytest

from matchmaker.scoring import FACTORS, MatchScorer, NeedTable, OfferTable, explain
from matchmaker.scoring.concepts import ConceptLexicon
from matchmaker.scoring.reasons import (
    REASON_THRESHOLD,
    _concept_ids,
    _pairing_lookup,
    _region_gap,
    _top_sector,
    budget_reason,
    concept_rows,
    explain_codes,
    region_reason,
    sector_reason,
)
from tests.scoring.refdata import shipped_reference

WORDS = ["乡村教师培训", "先天性心脏病救治", "牧区饮水安全", "职业技能培训", "校舍维修改造",
         "远程医疗", "养老院设施", "图书室", "幼儿园", "医生进修"]


def per_pair(ranking, needs, offers, reference, weights, limit=3):
    """The wording rules applied one pair at a time (the reference implementation)."""
    lookup = _pairing_lookup(reference)
    concept, need_one, offer_one, names = _concept_ids(needs, offers, ranking)
    out = []
    for k in range(len(ranking)):
        i, j = int(ranking.need_index[k]), int(ranking.offer_index[k])
        s_level, r_level = int(ranking.sector_level[k]), int(ranking.region_level[k])
        u, r = float(needs.uncommitted_yuan[i]), float(offers.remaining_yuan[j])
        need_code = ranking.need_sector_codes[i]  # as the sector factor read it
        gaps = []
        if s_level == 0:  # the offer's sectors as the sector factor read them
            read = ranking.offer_sector_codes[j]
            other = read[0] if read else ""
            gaps.append(f"领域不同：{_top_sector(reference, need_code)} vs "
                        f"{_top_sector(reference, other)}")
        elif concept[k] < 0 and need_one[k] >= 0 and offer_one[k] >= 0:
            gaps.append(f"项目类型不同：{names[need_one[k]]} vs {names[offer_one[k]]}")
        if r_level == 0 and offers.target_region_codes[j]:
            gaps.append(_region_gap(reference, offers.target_region_codes[j]))
        if r < u:
            gaps.append(budget_reason(0.0, u, r))
        fits = []
        contribution = ranking.factors[k] * weights
        if concept[k] >= 0:  # a shared project type ranks as a full text match
            contribution[FACTORS.index("text")] = weights[FACTORS.index("text")]
        for f in np.argsort(-contribution, kind="stable"):
            name = FACTORS[f]
            shared = name == "text" and concept[k] >= 0  # said whatever the similarity
            if not shared and ranking.factors[k, f] + 1e-6 < REASON_THRESHOLD[name] or \
                    name == "budget" and r < u:
                continue
            if name == "sector":
                read = s_level == 3 and (need_code not in offers.sector_codes[j]
                                         or need_code != needs.sector_codes[i])
                fits.append(sector_reason(reference, s_level, need_code, read))
            elif name == "region":
                fits.append(region_reason(reference, r_level, needs.region_codes[i],
                                          offers.target_region_codes[j],
                                          offers.org_region_codes[j], lookup))
            elif name == "budget":
                fits.append("资金可全额覆盖需求")
            elif concept[k] >= 0:
                fits.append(f"同为{names[concept[k]]}")
            else:
                fits.append(f"项目内容相近（内容相似度 {ranking.factors[k, f] * 100:.0f}）")
        reasons = fits[:max(limit - len(gaps), 1)] + gaps
        out.append(reasons[:limit] or [budget_reason(0.0, u, r)])
    return out


def tables(seed: int, n: int, m: int):
    ref = shipped_reference()
    rng = random.Random(seed)
    recipient = [r.code for r in ref.regions if r.province_code in ("540000", "650000", "XJBT00")]
    supporters = sorted({p.supporter_region_code for p in ref.pairings if p.supporter_region_code})
    sectors = [s.code for s in ref.sectors]
    needs = NeedTable.from_records([{
        "id": k + 1, "title": rng.choice(WORDS) + rng.choice(WORDS), "description": "",
        "sector_code": rng.choice(sectors), "region_code": rng.choice(recipient),
        "uncommitted_yuan": rng.choice([0, 50_000, 100_000, 333_333, 1_000_000])}
        for k in range(n)])
    offers = OfferTable.from_records([{
        "id": k + 1, "title": rng.choice(WORDS), "description": rng.choice(WORDS),
        "sector_codes": tuple(rng.sample(sectors, rng.randint(0, 2))),
        "target_region_codes": tuple(rng.sample(recipient, rng.randint(0, 2))),
        "org_region_code": rng.choice(supporters),
        "remaining_yuan": rng.choice([0, 10_000, 90_000, 200_000, 2_000_000])}
        for k in range(m)])
    return ref, needs, offers


@pytest.mark.parametrize(("seed", "limit"), [(0, 3), (1, 3), (2, 4), (3, 1)])
def test_vectorised_reasons_equal_the_per_pair_rules(seed, limit):
    ref, needs, offers = tables(seed, 60, 80)
    scorer = MatchScorer(ref, widen=True).fit(offers, needs)
    ranking = scorer.rank(needs, top_k=30)
    assert len(ranking) > 1000
    expected = per_pair(ranking, needs, offers, ref, scorer.weights_, limit)
    assert explain(ranking, needs, offers, ref, scorer.weights_, limit) == expected
    codes, lists = explain_codes(ranking, needs, offers, ref, scorer.weights_, limit)
    assert len(lists) < len(ranking)  # each distinct list built once, shared by pairs
    assert [lists[c] for c in codes] == expected
    # The project types found once per item (an index refresh keeps them): same reasons.
    lexicon = scorer.lexicon_
    known = (concept_rows(lexicon, needs.titles, needs.descriptions),
             concept_rows(lexicon, offers.titles, offers.descriptions))
    assert known[0].any() and known[1].any()
    codes, lists = explain_codes(ranking, needs, offers, ref, scorer.weights_, limit,
                                 concepts=known)
    assert [lists[c] for c in codes] == expected


def _reasons(need: dict, *offers: dict, widen: bool = True, lexicon=None):
    ref = shipped_reference()
    base_need = {"title": "", "sector_code": "0903", "region_code": "540200",
                 "uncommitted_yuan": 1_000_000}
    base_offer = {"title": "", "sector_codes": ("0903",), "org_region_code": "310000",
                  "remaining_yuan": 1_000_000}
    need_table = NeedTable.from_records([{**base_need, **need}])
    offer_table = OfferTable.from_records([{**base_offer, **o} for o in offers])
    scorer = MatchScorer(ref, widen=widen, concepts=lexicon if lexicon is not None else True)
    ranking = scorer.fit(offer_table, need_table).rank(need_table)
    reasons = explain(ranking, need_table, offer_table, ref, scorer.weights_, limit=4)
    return dict(zip(ranking.offer_index.tolist(), reasons, strict=True))


def test_the_shared_concept_and_the_pairing_are_named():
    reasons = _reasons({"title": "先心病患儿救治"},
                       {"title": "先天性心脏病儿童救助", "remaining_yuan": 400_000})
    assert "同为先天性心脏病救治" in reasons[0]
    assert "对口支援：上海市 → 日喀则市" in reasons[0]
    assert "资金仅覆盖需求的 40%" in reasons[0]


def test_another_sector_is_named_by_top_level_sectors():
    reasons = _reasons({"title": "乡村教师培训", "sector_code": "0104"},
                       {"title": "乡村医生培训", "sector_codes": ("0202",)})
    assert "领域不同：教育 vs 医疗卫生" in reasons[0]


def test_another_project_type_in_the_same_sector_is_named():
    reasons = _reasons({"title": "先心病患儿救治"}, {"title": "农村妇女两癌筛查"})
    assert "项目类型不同：先天性心脏病救治 vs 两癌筛查" in reasons[0]
    assert not any(r.startswith("同为") for r in reasons[0])


def test_an_offer_aimed_at_another_region_says_so_when_the_search_is_widened():
    reasons = _reasons({"title": "先心病患儿救治"},
                       {"title": "先心病患儿救治", "target_region_codes": ("653200",)})
    assert "地区不符：供给定向和田地区" in reasons[0]
    assert _reasons({"title": "先心病患儿救治"},
                    {"title": "先心病患儿救治", "target_region_codes": ("653200",)},
                    widen=False) == {}


def test_the_reasons_use_the_lexicon_the_scorer_was_given():
    lexicon = ConceptLexicon([("heart", "0903", "心脏病救助", ["心脏缺损", "先心病"])])
    reasons = _reasons({"title": "先心病患儿救治"}, {"title": "小儿心脏缺损修补"},
                       lexicon=lexicon)
    assert "同为心脏病救助" in reasons[0]
