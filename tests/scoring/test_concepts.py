"""The concept lexicon, the gates and the coordinator-worded reasons."""

from __future__ import annotations

import numpy as np

from matchmaker.scoring import FACTORS, MatchScorer, explain
from matchmaker.scoring.concepts import ConceptLexicon, shared_concepts

from .conftest import needs, offers
from .refdata import shipped_reference

PARAPHRASES = [("先心病患儿救治", "先天性心脏病儿童救助"), ("村医培训", "乡村医生能力提升计划"),
               ("冬季御寒物资发放", "棉衣棉被捐赠"), ("农产品消费帮扶", "直播带货助农"),
               ("居家适老化改造", "老人家庭防滑扶手安装")]


def test_paraphrases_share_a_concept():
    lexicon = ConceptLexicon.shipped()
    left = lexicon.transform([a for a, _ in PARAPHRASES])
    right = lexicon.transform([b for _, b in PARAPHRASES])
    index = np.arange(len(PARAPHRASES))
    assert (shared_concepts(left, right, index, index) >= 0).all()
    assert lexicon.transform(["敬老院改造"]).multiply(lexicon.transform(["先心病救治"])).nnz == 0


def test_lexicon_covers_every_sub_sector_with_known_codes():
    ref = shipped_reference()
    lexicon = ConceptLexicon.shipped()
    subs = {s.code for s in ref.sectors if s.parent_code}
    assert set(lexicon.sectors) <= subs
    assert subs <= set(lexicon.sectors)


def test_concepts_raise_the_text_factor_of_paraphrases(ref):
    need_table = needs({"title": "先心病患儿救治", "sector_code": "0101"})
    offer_table = offers({"title": "先天性心脏病儿童救助", "sector_codes": ("0101",)},
                         {"title": "敬老院供暖改造", "sector_codes": ("0101",)})
    text = FACTORS.index("text")
    plain = MatchScorer(ref, concepts=False).fit(offer_table, need_table)
    rich = MatchScorer(ref).fit(offer_table, need_table)
    before = plain.score_pairs(need_table, [0], [0]).factors[0, text]
    after = rich.score_pairs(need_table, [0], [0]).factors[0, text]
    assert after > before + 0.2 and 0 <= after <= 1


def test_gates_keep_wrong_sector_and_no_money_below_a_fitting_offer(ref):
    need_table = needs({"title": "江孜县乡村教师培训"})
    offer_table = offers(
        {"title": "江孜县乡村教师培训", "sector_codes": ("0801",),
         "target_region_codes": ("540222",), "remaining_yuan": 50_000_000},
        {"title": "园丁赋能计划", "target_region_codes": ("540222",), "org_region_code": "440000"},
        {"title": "江孜县乡村教师培训", "target_region_codes": ("540222",),
         "remaining_yuan": 50_000},
    )
    scorer = MatchScorer(ref).fit(offer_table, need_table)
    ranking = scorer.rank(need_table)
    assert ranking.offer_index.tolist()[:2] == [1, 2]
    assert ((ranking.score >= 0) & (ranking.score <= 1)).all()


def test_same_province_open_offer_beats_an_offer_with_no_region_link(ref):
    need_table = needs({})
    offer_table = offers({"target_region_codes": ("653100",)},  # another province's prefecture
                         {"target_region_codes": ("540000",), "org_region_code": "440000"})
    ranking = MatchScorer(ref, widen=True).fit(offer_table).rank(need_table)
    assert ranking.offer_index.tolist() == [1, 0]


def test_reasons_name_the_concept_and_what_is_missing():
    ref = shipped_reference()
    need_table = needs({"title": "先心病患儿救治", "sector_code": "0903",
                        "uncommitted_yuan": 1_000_000})
    offer_table = offers({"title": "先天性心脏病儿童救助", "sector_codes": ("0903",),
                          "remaining_yuan": 400_000},
                         {"title": "先天性心脏病儿童救助", "sector_codes": ("0104",)})
    scorer = MatchScorer(ref, widen=True).fit(offer_table, need_table)
    ranking = scorer.rank(need_table)
    reasons = explain(ranking, need_table, offer_table, ref, scorer.weights_, limit=4)
    first = dict(zip(ranking.offer_index.tolist(), reasons, strict=True))
    assert "同为先天性心脏病救治" in first[0] and "资金仅覆盖需求的 40%" in first[0]
    assert "领域不同：儿童关爱 vs 教育" in first[1]
