"""An offer filed under a top-level sector only is ranked as the sub-sector its text is about."""

from __future__ import annotations

import numpy as np

from matchmaker.scoring import MatchScorer, OfferTable, persist
from matchmaker.scoring.subsectors import SubSectorGuide
from matchmaker.scoring.text import TextEmbedder

from .conftest import needs, offers

PRESCHOOL = ["幼儿园建设与学前双语教育", "乡镇幼儿园保教设备配置", "学前儿童双语启蒙幼儿园"]
TEACHERS = ["乡村教师培训与能力提升", "基层中小学教师赴内地跟岗培训", "骨干教师培训研修"]


def corpus():
    """Needs filed under 学前教育 and 教师培训; labelled offers of both; then two offers filed
    under 教育 (01) only: one about kindergartens, one about teacher training."""
    need_rows = [{"title": t, "sector_code": "0101"} for t in PRESCHOOL] + \
        [{"title": t, "sector_code": "0104"} for t in TEACHERS]
    offer_rows = [{"title": t, "sector_codes": ("0101",)} for t in PRESCHOOL] + \
        [{"title": t, "sector_codes": ("0104",)} for t in TEACHERS] + [
        {"title": "幼儿园双语教育设备捐赠", "sector_codes": ("01",)},
        {"title": "乡村教师培训资助计划", "sector_codes": ("01",)},
    ]
    return needs(*need_rows), offers(*offer_rows)


def test_a_top_level_offer_is_ranked_as_the_sub_sector_its_text_is_about(ref):
    need_table, offer_table = corpus()
    scorer = MatchScorer(ref).fit(offer_table, need_table)
    assert scorer.offer_sector_codes_[-2:] == [("0101",), ("0104",)]
    assert list(offer_table.sector_codes[-2:]) == [("01",), ("01",)]  # as filed, untouched
    factors, _ = scorer.factor_matrices(need_table)
    # 学前教育 needs: the kindergarten offer is the same sector, the training one a sibling.
    np.testing.assert_allclose(factors["sector"][0, -2:], [1.0, 0.7])
    np.testing.assert_allclose(factors["sector"][-1, -2:], [0.7, 1.0])


def test_a_top_level_offer_about_another_sub_sector_no_longer_outranks_a_fitting_one(ref):
    """Regression: filed under 教育, a teacher-training offer aimed at the need's county with
    more money ranked first for a kindergarten need, above a preschool offer open to all
    regions in other words (both "covered" 学前教育 alike: 0.679 vs 0.668)."""
    need_table, offer_table = corpus()
    rows = [{"id": 100, "title": "学前儿童保育设备捐赠", "sector_codes": ("01",),
             "remaining_yuan": 300_000},
            {"id": 101, "title": "乡村教师培训资助计划", "sector_codes": ("01",),
             "target_region_codes": ("540222",), "remaining_yuan": 3_000_000}]
    labelled = [{"id": int(i), "title": t, "sector_codes": c} for i, t, c in zip(
        offer_table.ids[:-2], offer_table.titles[:-2], offer_table.sector_codes[:-2],
        strict=True)]
    table = offers(*labelled, *rows)
    need = needs({"title": "幼儿园建设与学前双语教育", "sector_code": "0101"})
    for guided, first in ((False, 101), (True, 100)):
        scorer = MatchScorer(ref, guided=guided).fit(table, need_table)
        ranking = scorer.rank(need, top_k=len(table))
        order = [int(table.ids[j]) for j in ranking.offer_index if table.ids[j] >= 100]
        assert order[0] == first, (guided, order)


def test_a_text_that_fits_two_children_alike_stays_as_filed(ref):
    guide = SubSectorGuide(margin=0.05)
    guide.codes_ = ["0101", "0104"]
    guide.centroids_ = np.eye(2, dtype=np.float32)
    vectors = np.array([[0.7, 0.7], [0.9, 0.1], [0.0, 0.0], [0.9, 0.1]], dtype=np.float32)
    codes = [("01",), ("01",), ("01",), ("0104", "01")]
    assert guide.refine(vectors, codes, ref) == [("01",), ("0101",), ("01",), ("0104", "01")]


def test_the_persisted_text_model_carries_its_guide(ref):
    need_table, offer_table = corpus()
    fitted = MatchScorer(ref).fit(offer_table, need_table)
    loaded = persist.load(persist.dump(fitted.embedder_))
    assert loaded.guide_.codes_ == ["0101", "0104"]
    np.testing.assert_array_equal(loaded.guide_.centroids_, fitted.embedder_.guide_.centroids_)
    again = MatchScorer(ref, embedder=loaded).fit(offer_table)  # as every process scores
    assert again.offer_sector_codes_ == fitted.offer_sector_codes_


def test_a_model_without_a_guide_ranks_by_the_codes_as_filed(ref):
    need_table, offer_table = corpus()
    plain = TextEmbedder()
    plain.fit(plain.documents(offer_table.titles, offer_table.descriptions))
    loaded = persist.load(persist.dump(plain))
    assert loaded.guide_ is None
    scorer = MatchScorer(ref, embedder=loaded).fit(offer_table)
    assert scorer.offer_sector_codes_ == list(offer_table.sector_codes)


def test_the_reason_says_the_sector_was_read_from_the_text(ref):
    from matchmaker.scoring.reasons import explain

    need_table, offer_table = corpus()
    scorer = MatchScorer(ref).fit(offer_table, need_table)
    need = needs({"title": "幼儿园建设与学前双语教育", "sector_code": "0101"})
    ranking = scorer.score_pairs(need, np.array([0, 0]), np.array([0, len(offer_table) - 2]))
    reasons = explain(ranking, need, offer_table, ref, scorer.weights_)
    filed, read = (r for r in reasons)  # sorted by score: the labelled offer may come first
    assert {filed[0], read[0]} == {"领域一致：学前教育", "领域一致：学前教育（按项目内容判断）"}


def test_the_live_scorer_splices_the_sectors_it_reads_with_the_offer(ref):
    """An offer edited in place keeps, in the live scorer, the sectors the guide reads for
    its new text and codes, as a fit on the whole data reads them (the reasons use them)."""
    from dataclasses import replace

    from matchmaker.scoring.live import LiveScorer

    need_table, offer_table = corpus()
    scorer = MatchScorer(ref).fit(offer_table, need_table)
    state = LiveScorer(scorer, need_table)
    edited = list(offer_table.sector_codes)
    edited[0] = ("0104", "0801")  # a kindergarten offer refiled: teachers and elderly care
    changed = replace(offer_table, sector_codes=edited)
    one = OfferTable.from_records([{
        "id": int(changed.ids[0]), "title": changed.titles[0], "description": "",
        "sector_codes": edited[0], "target_region_codes": (), "org_region_code": "310000",
        "remaining_yuan": 1_000_000}])
    state.put_offers([int(changed.ids[0])], one)
    whole = MatchScorer(ref, embedder=scorer.embedder_).fit(changed)
    assert state.scorer.offer_sector_codes_ == whole.offer_sector_codes_
    assert state.scorer.offer_sector_codes_[0] == ("0104", "0801")  # no 0801 centroid


def test_a_sector_listed_beside_the_one_the_text_is_about_is_not_read(ref):
    guide = SubSectorGuide(margin=0.05, drop=0.15)
    guide.codes_ = ["0101", "0104", "0801"]
    guide.centroids_ = np.eye(3, dtype=np.float32)
    vectors = np.array([[0.1, 0.9, 0.0], [0.1, 0.5, 0.4], [0.1, 0.9, 0.0]], dtype=np.float32)
    codes = [("0104", "0801"), ("0104", "0801"), ("0104", "0501")]
    # far behind: left out; close: both read; a code without a centroid always stays
    assert guide.refine(vectors, codes, ref) == [("0104",), ("0104", "0801"), ("0104", "0501")]


def test_a_sub_sector_with_too_few_items_gets_no_centroid(ref):
    vectors = np.eye(4, dtype=np.float32)
    guide = SubSectorGuide().fit(vectors, [("0101",), ("0101",), ("0101",), ("0104",)], ref)
    assert guide.codes_ == ["0101"]


def test_a_need_filed_under_a_top_level_sector_is_ranked_as_its_text(ref):
    """Regression: a need filed under 教育 about teacher training ranked a kindergarten offer
    aimed at its county with more money above a teacher-training offer, in other words, open
    to all regions (both sub-sectors "covered" 教育 alike); read as 教师培训, the fitting
    offer comes first, and the reason says the sector was read from the text."""
    from matchmaker.scoring.reasons import explain

    need_table, offer_table = corpus()
    labelled = [{"id": int(i), "title": t, "sector_codes": c} for i, t, c in zip(
        offer_table.ids[:-2], offer_table.titles[:-2], offer_table.sector_codes[:-2],
        strict=True)]
    rows = [{"id": 100, "title": "园丁成长计划", "sector_codes": ("0104",),
             "org_region_code": "110000", "remaining_yuan": 300_000},
            {"id": 101, "title": "幼儿园双语教育设备捐赠", "sector_codes": ("0101",),
             "target_region_codes": ("540222",), "remaining_yuan": 3_000_000}]
    table = offers(*labelled, *rows)
    need = needs({"title": "骨干教师跟岗研修", "sector_code": "01"})
    for guided, first in ((False, 101), (True, 100)):
        scorer = MatchScorer(ref, guided=guided, concept_weight=0).fit(table, need_table)
        assert scorer.need_sector_codes(need) == (["0104"] if guided else ["01"])
        ranking = scorer.rank(need, top_k=len(table))
        order = [int(table.ids[j]) for j in ranking.offer_index if table.ids[j] >= 100]
        assert order[0] == first, (guided, order)
    assert list(need.sector_codes) == ["01"]  # as filed, untouched
    top = int(np.flatnonzero(table.ids == 100)[0])
    ranking = scorer.score_pairs(need, np.array([0]), np.array([top]))
    assert "领域一致：教师培训（按项目内容判断）" in \
        explain(ranking, need, table, ref, scorer.weights_)[0]


def test_a_need_whose_text_fits_no_child_clearly_stays_as_filed(ref):
    need_table, offer_table = corpus()
    scorer = MatchScorer(ref).fit(offer_table, need_table)
    vague = needs({"title": "项目", "sector_code": "01"}, {"title": "", "sector_code": "01"},
                  {"title": "乡村教师培训与能力提升", "sector_code": "0101"})
    # nothing to read: as filed; a need filed under a sub-sector is never re-read
    assert scorer.need_sector_codes(vague) == ["01", "01", "0101"]


def test_the_live_scorer_reads_a_new_need_as_a_fit_on_the_whole_data_does(ref):
    from matchmaker.scoring.live import LiveScorer

    need_table, offer_table = corpus()
    scorer = MatchScorer(ref).fit(offer_table, need_table)
    state = LiveScorer(scorer, need_table)
    new = needs({"id": 50, "title": "骨干教师跟岗培训", "sector_code": "01"})
    prep = state.put_needs([50], new)
    assert prep.sector_codes == ["0104"]
    assert state.prep.sector_codes[-1] == "0104"
    assert state.prep.sector_codes[:-1] == list(need_table.sector_codes)
