"""The concept lexicon, the gates and the coordinator-worded reasons."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from matchmaker.scoring import FACTORS, MatchScorer, explain
from matchmaker.scoring.concepts import ConceptLexicon, augment, shared_concepts

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


def test_augment_is_concept_evidence_only_where_both_sides_have_a_concept():
    """One dot product of a need row and an offer row gives text·(1 − w) + w·overlap when
    both mention a concept and the text similarity untouched when either mentions none."""
    rng = np.random.default_rng(0)
    text_n = rng.normal(size=(5, 8)).astype(np.float32)
    text_o = rng.normal(size=(6, 8)).astype(np.float32)
    text_n /= np.linalg.norm(text_n, axis=1, keepdims=True)
    text_o /= np.linalg.norm(text_o, axis=1, keepdims=True)
    c_n = sparse.csr_matrix(np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0], [0, 0, 1], [0, 0, 0]],
                                     np.float32))
    c_o = sparse.csr_matrix(np.array([[1, 0, 0], [0, 0, 0], [0, 1, 1], [1, 1, 1], [0, 0, 0],
                                      [0, 0, 1]], np.float32))
    w = 0.7
    got = augment(text_n, c_n, w, "need") @ augment(text_o, c_o, w, "offer").T
    unit_n = c_n.toarray() / np.maximum(np.linalg.norm(c_n.toarray(), axis=1, keepdims=True), 1)
    unit_o = c_o.toarray() / np.maximum(np.linalg.norm(c_o.toarray(), axis=1, keepdims=True), 1)
    both = np.outer(c_n.getnnz(axis=1) > 0, c_o.getnnz(axis=1) > 0)
    text = text_n @ text_o.T
    want = np.where(both, (1 - w) * text + w * (unit_n @ unit_o.T), text)
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_an_offer_in_words_the_lexicon_does_not_know_keeps_its_text_similarity(ref):
    """Regression (issue 14, unseen wording): the need names a concept, the offer's words are
    in no concept. Its text factor used to be scaled by √(1 − w) ≈ 0.55 for the need's
    concept alone, so a wrong offer whose words hit the concept overtook it."""
    need_table = needs({"title": "先心病患儿救治 手术费用资助", "sector_code": "0101"})
    offer_table = offers({"title": "患儿手术费用资助", "sector_codes": ("0101",)})
    assert ConceptLexicon.shipped().transform(offer_table.titles).nnz == 0
    text = FACTORS.index("text")
    plain = MatchScorer(ref, concepts=False).fit(offer_table, need_table)
    rich = MatchScorer(ref).fit(offer_table, need_table)
    before = plain.score_pairs(need_table, [0], [0]).factors[0, text]
    after = rich.score_pairs(need_table, [0], [0]).factors[0, text]
    assert before > 0.3
    assert after == pytest.approx(before, abs=1e-5)
    factors, _ = rich.factor_matrices(need_table)
    assert factors["text"][0, 0] == pytest.approx(before, abs=1e-5)


def test_a_targeted_offer_in_unknown_words_beats_an_open_one_in_known_words(ref):
    """Regression (issue 14, held-out failure): the need and an open offer name the concept,
    the offer aimed at the need's county says the same in words the lexicon does not know.
    The open offer won on the concept alone while the targeted one was marked down."""
    need_table = needs({"title": "江孜县乡村教师培训",
                        "description": "组织全县乡村学校老师开展教学能力轮训"})
    offer_table = offers(
        {"title": "园丁赋能计划", "description": "资助乡村学校老师外出跟岗研修",
         "org_region_code": "440000"},
        {"title": "江孜县乡村学校老师教学能力轮训", "target_region_codes": ("540222",),
         "org_region_code": "440000"})
    lexicon = ConceptLexicon.shipped()
    assert lexicon.transform(need_table.titles).nnz == 1
    assert lexicon.transform([offer_table.titles[1]]).nnz == 0
    assert MatchScorer(ref).fit(offer_table, need_table).rank(need_table).offer_index[0] == 1


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
