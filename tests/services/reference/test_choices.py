"""Region choices in tree order: province › prefecture › county, 兵团 › 师 on its own."""

from __future__ import annotations

from matchmaker.services.reference import choices
from tests import factories


def _codes(items):
    return [c[0] for c in items]


def test_tree_puts_bingtuan_divisions_under_bingtuan_not_xinjiang(ctx):
    tree = choices.recipient_tree()
    codes = [n.code for n in tree]
    roots = [n.code for n in tree if n.level == 0]
    assert roots == ["540000", "650000", "XJBT00"]
    bingtuan = codes.index("XJBT00")
    assert codes[bingtuan:] == [f"XJBT{i:02d}" for i in range(15)]  # 兵团, then 第一师…第十四师
    assert all(not c.startswith("XJBT") for c in codes[:bingtuan])
    assert "659000" not in codes  # a GB/T grouping node, not a place
    by_code = {n.code: n for n in tree}
    assert (by_code["659001"].level, by_code["659001"].path) == (1, "石河子市")
    assert (by_code["540102"].level, by_code["540102"].path) == (2, "拉萨市 › 城关区")
    assert by_code["XJBT11"].name == "第十一师（建工师）"  # full-width brackets
    # Depth first: a prefecture is followed by its own counties.
    assert codes[codes.index("540100") + 1] == "540102"


def test_filter_choices_list_each_root_before_its_prefectures(ctx):
    items = choices.region_filter_choices()
    codes = _codes(items)
    assert codes[0] == "" and codes[1] == "540000"
    assert codes.index("650000") < codes.index("650100") < codes.index("XJBT00")
    assert codes.index("XJBT00") + 1 == codes.index("XJBT01")
    assert codes[-1] == "XJBT14"
    label = dict((c, lab) for c, lab, _ in items)
    assert label["XJBT01"] == "　第一师" and label["XJBT00"] == "新疆生产建设兵团"
    assert "540102" not in codes and "659001" not in codes  # no counties


def test_offer_targets_put_partners_first_and_group_by_tree(ctx):
    org = factories.make_org(name="上海市民政局", region_code="310000")
    groups = choices.offer_target_choices(org)
    names = list(groups)
    assert names == ["对口支援地区（推荐）", "西藏自治区", "新疆维吾尔自治区", "新疆生产建设兵团"]
    partners = _codes(groups["对口支援地区（推荐）"])
    assert "540222" in partners  # 上海 → 日喀则市江孜县
    assert "540222" not in _codes(groups["西藏自治区"])  # listed once
    assert _codes(groups["新疆生产建设兵团"])[:2] == ["XJBT00", "XJBT01"]
    assert not any(c.startswith("XJBT") for c in _codes(groups["新疆维吾尔自治区"]))
    code, label, data = groups["西藏自治区"][1]
    assert (code, label, data) == ("540100", "拉萨市", {"data-level": "1", "data-short": "拉萨市"})


def test_choices_below_a_prefecture_and_below_bingtuan(ctx):
    below = choices.choices_below("540200")
    assert below[0] == ("540200", "日喀则市", {"data-level": "1", "data-short": "日喀则市"})
    assert below[1][1].startswith("日喀则市 › ") and below[1][2]["data-level"] == "2"
    assert _codes(choices.choices_below("XJBT00"))[:3] == ["XJBT00", "XJBT01", "XJBT02"]
    assert choices.choices_below(None) == []
