"""Each factor on its own, edge cases included (pure: no app, no database)."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaker.scoring import MatchScorer
from matchmaker.scoring.factors import REGION_VALUES, budget_factor
from matchmaker.scoring.gates import REGION_GATE
from matchmaker.scoring.text import TextEmbedder

from .conftest import needs, offers


def factors(ref, need_rows, offer_rows, **params):
    scorer = MatchScorer(ref, **params).fit(offers(*offer_rows), needs(*need_rows))
    return scorer.factor_matrices(needs(*need_rows))


# --- sector -------------------------------------------------------------------------------

@pytest.mark.parametrize(("need", "offer", "expected"), [
    ("0104", ("0104",), 1.0),          # same sector
    ("0104", ("01",), 0.8),            # offer covers the whole parent sector
    ("01", ("0104",), 0.8),            # need names the parent sector
    ("0104", ("0101",), 0.7),          # same parent sector
    ("0104", ("0801",), 0.0),          # unrelated
    ("0104", ("0801", "0101", "0104"), 1.0),  # several sectors: the best counts
    ("0104", ("0801", "0101"), 0.7),
    ("9999", ("0104",), 0.0),          # unknown code
])
def test_sector(ref, need, offer, expected):
    # The codes as filed (the sub-sector guide, which may read a top-level offer as one of
    # its children, has tests of its own in test_subsectors.py).
    values, _ = factors(ref, [{"sector_code": need}], [{"sector_codes": offer}], guided=False)
    assert values["sector"][0, 0] == pytest.approx(expected)


# --- budget -------------------------------------------------------------------------------

def test_budget_full_cover_is_best():
    assert budget_factor(np.array([500_000.0]), np.array([500_000.0]))[0] == pytest.approx(1.0)


def test_budget_partial_cover_is_proportional():
    values = budget_factor(np.array([500_000.0] * 2), np.array([400_000.0, 100_000.0]))
    assert values == pytest.approx([0.8, 0.2])


def test_budget_huge_offer_for_tiny_need_scores_slightly_less():
    fitting, double, huge = budget_factor(np.array([100_000.0] * 3),
                                          np.array([100_000.0, 200_000.0, 50_000_000.0]))
    assert fitting == pytest.approx(1.0)
    assert 0.99 < double < 1.0
    assert huge == pytest.approx(0.9)
    assert huge < double < fitting


def test_budget_zero_remaining_is_zero_and_filtered(ref):
    values, candidate = factors(ref, [{}], [{"remaining_yuan": 0}, {"remaining_yuan": -5}])
    assert values["budget"][0].tolist() == [0.0, 0.0]
    assert not candidate.any()


def test_budget_need_without_uncommitted_money(ref):
    values, candidate = factors(ref, [{"uncommitted_yuan": 0}], [{}])
    assert values["budget"][0, 0] == 0.0
    assert not candidate[0, 0]


# --- region -------------------------------------------------------------------------------

#: Region levels (factors.py): 5 explicit target, 4 对口支援 province, 3 a neighbouring county,
#: 2 same recipient province, 1 open, 0 nothing in common.
EXPLICIT, PAIRED, NEIGHBOUR, PROVINCE, OPEN, NONE = 5, 4, 3, 2, 1, 0


def region(ref, need_region, targets=(), org="310000", **params):
    """(region level, candidate) of one pair; the factor value is checked to be the level's."""
    need_rows = [{"region_code": need_region}]
    offer_rows = [{"target_region_codes": targets, "org_region_code": org}]
    scorer = MatchScorer(ref, **params).fit(offers(*offer_rows), needs(*need_rows))
    values, candidate = scorer.factor_matrices(needs(*need_rows))
    row = scorer.region_index_.get(need_region, len(scorer.region_index_))
    level = int(scorer.region_levels_[row, 0])
    assert values["region"][0, 0] == pytest.approx(REGION_VALUES[level])
    return level, bool(candidate[0, 0])


def test_region_values_and_gates_rank_the_classes_as_a_coordinator_does():
    """Explicit = paired > open (in the province or not) > a neighbour's county > none."""
    for table in (REGION_VALUES, REGION_GATE):
        assert table[EXPLICIT] == table[PAIRED] == 1.0
        assert table[PAIRED] > table[PROVINCE] >= table[OPEN] > table[NEIGHBOUR] > table[NONE]


def test_region_offer_targets_the_county(ref):
    assert region(ref, "540222", ("540222",), org="440000") == (EXPLICIT, True)


def test_region_offer_targets_the_prefecture_of_a_county_need(ref):
    assert region(ref, "540222", ("540200",), org="440000") == (EXPLICIT, True)


def test_region_offer_targets_a_county_inside_a_prefecture_need(ref):
    # The need is for 日喀则市 as a whole; an offer for 江孜县 (inside it) is aimed at it.
    assert region(ref, "540200", ("540222",), org="440000") == (EXPLICIT, True)
    assert region(ref, "540200", ("540102",), org="440000")[1] is False  # 拉萨市城关区


def test_region_offer_targets_another_county_of_the_prefecture(ref):
    value, candidate = region(ref, "540222", ("540225",), org="440000")
    assert value == NEIGHBOUR
    assert not candidate  # design §7: aimed at other regions, not a candidate
    assert region(ref, "540222", ("540225",), org="440000", widen=True) == (NEIGHBOUR, True)


def test_region_paired_province_open_offer_county_need_prefecture_pairing(ref):
    # 上海 is paired with 日喀则市 (prefecture); the need is in 江孜县, a county of it.
    value, candidate = region(ref, "540222", (), org="310000")
    assert value == PAIRED
    assert candidate


def test_region_paired_province_offer_aimed_at_the_whole_province(ref):
    assert region(ref, "540222", ("540000",), org="310000") == (PAIRED, True)


def test_region_county_level_pairing_covers_that_county_only(ref):
    assert region(ref, "653125", (), org="310000")[0] == PAIRED  # 莎车县
    assert region(ref, "653124", (), org="310000")[0] == PROVINCE  # 泽普县


def test_region_same_recipient_province(ref):
    # 北京 is paired with 拉萨市, not 日喀则市: an open 北京 offer is level 2 for 江孜县.
    assert region(ref, "540222", (), org="110000") == (PROVINCE, True)
    # A 广东 offer aimed at 西藏 as a whole (广东 has no Tibetan pairing here).
    assert region(ref, "540222", ("540000",), org="440000") == (PROVINCE, True)


def test_region_offer_with_no_target_regions_is_open_to_any(ref):
    value, candidate = region(ref, "540222", (), org="330000")  # 浙江: no pairing here
    assert candidate
    assert value == OPEN


def test_region_offer_aimed_elsewhere_is_not_a_candidate(ref):
    value, candidate = region(ref, "540222", ("653100",), org="310000")
    assert not candidate
    assert value == NONE
    assert region(ref, "540222", ("653100",), org="310000", widen=True) == (NONE, True)


def test_region_bingtuan_division(ref):
    assert region(ref, "XJBT03", ("XJBT03",), org="330000") == (EXPLICIT, True)
    assert region(ref, "XJBT03", (), org="440000") == (PAIRED, True)  # 广东 → 第三师
    assert region(ref, "XJBT03", ("XJBT00",), org="330000") == (PROVINCE, True)
    assert region(ref, "XJBT03", ("XJBT14",), org="330000")[1] is False
    # 兵团 is its own recipient unit: an offer for 新疆 does not reach a division.
    assert region(ref, "XJBT03", ("650000",), org="330000") == (NONE, False)
    assert region(ref, "653125", ("XJBT00",), org="330000") == (NONE, False)


def test_region_unverified_pairing_still_counts(ref):
    assert region(ref, "XJBT14", (), org="110000") == (PAIRED, True)


def test_region_unknown_need_region(ref):
    assert region(ref, "999999", (), org="310000") == (OPEN, True)
    assert region(ref, "999999", ("540222",), org="310000")[1] is False


# --- text ---------------------------------------------------------------------------------

def text(ref, need: dict, offer: dict, **params) -> float:
    values, _ = factors(ref, [need], [offer, {"title": "牦牛养殖合作社", "description":
                                             "支持牧区牦牛养殖和饲草料基地建设。"}], **params)
    return float(values["text"][0, 0])


@pytest.mark.parametrize("tokens", ["char", "jieba", "both"])
def test_text_finds_related_chinese_titles(ref, tokens):
    related = text(ref, {"title": "乡村教师培训"}, {"title": "基层教师能力提升"}, tokens=tokens)
    unrelated = text(ref, {"title": "乡村教师培训"}, {"title": "敬老院供暖改造"}, tokens=tokens)
    assert related > 0.05
    assert unrelated == 0.0


def test_text_identical_texts(ref):
    same = {"title": "江孜县乡村教师培训", "description": "组织乡村教师赴内地跟岗研修。"}
    assert text(ref, same, same) == pytest.approx(1.0, abs=1e-5)


def test_text_empty_descriptions(ref):
    value = text(ref, {"title": "乡村教师培训", "description": ""},
                 {"title": "乡村教师培训", "description": ""})
    assert value == pytest.approx(1.0, abs=1e-5)
    assert text(ref, {"title": "", "description": ""}, {"title": "乡村教师培训"}) == 0.0


def test_text_description_adds_to_title(ref):
    bare = text(ref, {"title": "幼儿园设备配置"}, {"title": "学前教育支持"})
    described = text(ref, {"title": "幼儿园设备配置", "description": "配置双语绘本和教玩具"},
                     {"title": "学前教育支持", "description": "捐赠双语绘本和教玩具"})
    assert described > bare


def test_text_ignores_place_names(ref):
    """Where a project is, is the region factor's business: two texts alike only by the county
    they name are not alike, in full (江孜县) or short (江孜) form."""
    need = {"title": "江孜县牦牛养殖", "description": "日喀则市江孜县申报"}
    offer = {"title": "江孜乡村教师培训", "description": "定向支持日喀则市江孜县"}
    assert text(ref, need, offer, concepts=False) == 0.0
    embedder = TextEmbedder(drop_places=False)
    kept = embedder.fit_transform(embedder.documents([need["title"], offer["title"]],
                                                     [need["description"],
                                                      offer["description"]]))
    assert float(kept[0] @ kept[1]) > 0.2


def test_text_uses_lsa_once_the_corpus_outgrows_its_dimensions():
    docs = [f"项目{i}号 {chr(0x4e00 + i)}{chr(0x4e00 + 2 * i)}" for i in range(300)]
    assert TextEmbedder(n_components=16).fit(docs).svd_ is not None
    assert TextEmbedder(n_components=16, exact_limit=10**9).fit(docs).svd_ is None
    assert TextEmbedder(n_components=16).fit(docs[:10]).svd_ is None  # fewer docs than dims
