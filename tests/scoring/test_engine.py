"""The scorer as a whole: ranking, filters, weights, reasons (pure)."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaker.scoring import FACTORS, MatchScorer, explain, weight_vector
from matchmaker.scoring.text import ChineseAnalyzer, TextEmbedder

from .conftest import needs, offers
from .refdata import shipped_reference

TEACHERS = {"title": "江孜县乡村教师培训", "description": "组织乡村教师开展教学能力培训。"}


def test_estimator_conventions(ref):
    scorer = MatchScorer(ref, widen=True, n_components=64)
    assert scorer.widen is True and scorer.n_components == 64
    assert not [k for k in vars(scorer) if k.endswith("_")]  # nothing learned before fit
    assert scorer.fit(offers({})) is scorer
    assert scorer.offer_vectors_.shape[0] == 1


def test_weights_are_normalised_and_validated():
    assert weight_vector({"sector": 2, "text": 2}).tolist() == [0.5, 0.0, 0.0, 0.5]
    with pytest.raises(ValueError):
        weight_vector({"sector": -1, "text": 2})
    with pytest.raises(ValueError):
        weight_vector({"colour": 1})
    with pytest.raises(ValueError):
        weight_vector({"sector": 0})


def test_rank_matches_brute_force_on_the_shipped_reference():
    ref = shipped_reference()
    rng = np.random.default_rng(3)
    counties = [r.code for r in ref.regions if r.province_code in ("540000", "650000", "XJBT00")
                and r.level in ("county", "division", "prefecture")]
    subsectors = [s.code for s in ref.sectors if s.parent_code]
    supporters = sorted({p.supporter_region_code for p in ref.pairings
                         if p.supporter_region_code})
    titles = ["乡村教师培训", "敬老院供暖改造", "儿童关爱服务", "远程医疗会诊", "技能培训"]
    need_table = needs(*({"title": str(rng.choice(titles)),
                          "region_code": str(rng.choice(counties)),
                          "sector_code": str(rng.choice(subsectors)),
                          "uncommitted_yuan": int(rng.integers(0, 3)) * 300_000}
                         for _ in range(60)))
    offer_table = offers(*({"title": str(rng.choice(titles)),
                            "sector_codes": tuple(rng.choice(subsectors, 2)),
                            "target_region_codes": tuple(rng.choice(counties,
                                                                    rng.integers(0, 3))),
                            "org_region_code": str(rng.choice(supporters)),
                            "remaining_yuan": int(rng.integers(0, 4)) * 200_000}
                           for _ in range(80)))
    scorer = MatchScorer(ref, block_elements=64).fit(offer_table, need_table)
    ranking = scorer.rank(need_table, top_k=5)
    score, factors, candidate = scorer.score_matrix(need_table)
    for i in range(len(need_table)):
        mine = ranking.score[ranking.need_index == i]
        expected = np.sort(score[i][candidate[i]])[::-1][:5]
        assert mine == pytest.approx(expected, abs=1e-6)
    k = 0
    i, j = ranking.need_index[k], ranking.offer_index[k]
    assert ranking.factors[k] == pytest.approx([factors[f][i, j] for f in FACTORS], abs=1e-6)
    assert ((ranking.score >= 0) & (ranking.score <= 1)).all()
    assert ((ranking.factors >= 0) & (ranking.factors <= 1)).all()


def test_rank_best_first_and_filters(ref):
    need_table = needs(TEACHERS)
    offer_table = offers(
        {"title": "基层教师能力提升", "target_region_codes": ("540222",)},
        {"title": "教师研修", "target_region_codes": ("653100",)},  # aimed elsewhere
        {"title": "教师研修", "remaining_yuan": 0},  # no money left
        {"title": "敬老院供暖改造", "sector_codes": ("0801",)},
    )
    ranking = MatchScorer(ref).fit(offer_table, need_table).rank(need_table, top_k=10)
    assert ranking.offer_index.tolist() == [0, 3]
    assert ranking.score[0] > ranking.score[1]
    widened = MatchScorer(ref, widen=True).fit(offer_table, need_table).rank(need_table, 10)
    assert sorted(widened.offer_index.tolist()) == [0, 1, 3]


def test_rank_excludes_pairs(ref):
    need_table = needs(TEACHERS, TEACHERS)
    offer_table = offers({}, {"title": "教师研修"})
    scorer = MatchScorer(ref).fit(offer_table, need_table)
    ranking = scorer.rank(need_table, exclude=(np.array([1, 2]), np.array([1, 2])))
    pairs = set(zip(ranking.need_index.tolist(), ranking.offer_index.tolist(), strict=True))
    assert pairs == {(0, 1), (1, 0)}


def test_rank_on_empty_tables(ref):
    scorer = MatchScorer(ref).fit(offers({}))
    assert len(scorer.rank(needs(*[]))) == 0
    assert len(scorer.rank(needs({"uncommitted_yuan": 0}))) == 0


def test_a_new_need_uses_the_fitted_text_model(ref):
    scorer = MatchScorer(ref).fit(offers({"title": "基层教师能力提升"},
                                         {"title": "敬老院供暖改造", "sector_codes": ("0801",)}))
    ranking = scorer.rank(needs({"title": "乡村教师培训", "description": "提升教师能力"}))
    assert ranking.offer_index[0] == 0
    assert ranking.factors[0, FACTORS.index("text")] > 0


def test_reasons_in_chinese(ref):
    need_table = needs({"title": "江孜县乡村教师培训", "uncommitted_yuan": 500_000})
    offer_table = offers({"title": "基层教师能力提升", "remaining_yuan": 400_000},
                         {"title": "牦牛养殖", "sector_codes": ("0801",)})
    scorer = MatchScorer(ref).fit(offer_table, need_table)
    ranking = scorer.rank(need_table)
    reasons = explain(ranking, need_table, offer_table, ref, scorer.weights_)[0]
    assert 1 <= len(reasons) <= 3
    assert reasons == ["领域一致：教师培训", "对口支援：上海市 → 日喀则市", "资金可覆盖需求的 80%"]


def test_reasons_other_levels(ref):
    need_table = needs({"title": "学前教育设备", "sector_code": "0101", "region_code": "XJBT14"},
                       {"sector_code": "0801", "region_code": "540222"})
    offer_table = offers({"title": "教师研修", "org_region_code": "110000",
                          "remaining_yuan": 5_000_000})
    scorer = MatchScorer(ref).fit(offer_table, need_table)
    ranking = scorer.rank(need_table)
    reasons = explain(ranking, need_table, offer_table, ref, scorer.weights_)
    assert set(reasons[0][:2]) == {"同属领域：教育", "对口支援：北京市 → 第十四师（待核实）"}
    assert "资金可全额覆盖需求" in reasons[0]
    assert "资金可全额覆盖需求" in reasons[1][:2]  # unrelated sector: money and region left
    assert "同一受援省区：西藏自治区" in reasons[1]


def test_char_counter_matches_the_readable_analyzer():
    """The vectorised counter counts the same n-grams as the regex analyzer on Han text."""
    docs = ["乡村教师培训", "基层教师能力提升，教师", "", "敬老院，供暖！改造"]
    embedder = TextEmbedder(tokens="char")
    embedder.fit_transform(docs)
    counts = embedder.counter_.transform(docs).toarray()
    analyzer = ChineseAnalyzer("char")
    for row, doc in zip(counts, docs, strict=True):
        tokens = analyzer(doc)
        assert row.sum() == len(tokens)
        assert row.max(initial=0) == max((tokens.count(t) for t in tokens), default=0)
    assert embedder.counter_.transform(["AI课堂"]).nnz == 0  # unseen characters: no features


def test_fitting_no_documents_fails_clearly():
    with pytest.raises(ValueError):
        TextEmbedder().fit_transform([])
