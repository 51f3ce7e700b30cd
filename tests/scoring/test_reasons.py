"""Reasons in a coordinator's words: the shared project type, the official pairing, and what
is missing (another sector, another project type, another region, not enough money)."""

from __future__ import annotations

from matchmaker.scoring import MatchScorer, NeedTable, OfferTable, explain
from matchmaker.scoring.concepts import ConceptLexicon

from .refdata import shipped_reference


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
