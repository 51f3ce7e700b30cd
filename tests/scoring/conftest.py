"""A small hand-made reference for the pure scoring tests (no database, no app)."""

from __future__ import annotations

import pytest

from matchmaker.scoring import NeedTable, OfferTable, PairingInfo, Reference, RegionInfo, SectorInfo

REGIONS = [
    RegionInfo("110000", "北京市", "province", None, "110000"),
    RegionInfo("310000", "上海市", "province", None, "310000"),
    RegionInfo("440000", "广东省", "province", None, "440000"),
    RegionInfo("330000", "浙江省", "province", None, "330000"),
    RegionInfo("540000", "西藏自治区", "province", None, "540000"),
    RegionInfo("540100", "拉萨市", "prefecture", "540000", "540000"),
    RegionInfo("540102", "城关区", "county", "540100", "540000"),
    RegionInfo("540200", "日喀则市", "prefecture", "540000", "540000"),
    RegionInfo("540222", "江孜县", "county", "540200", "540000"),
    RegionInfo("540225", "拉孜县", "county", "540200", "540000"),
    RegionInfo("650000", "新疆维吾尔自治区", "province", None, "650000"),
    RegionInfo("653100", "喀什地区", "prefecture", "650000", "650000"),
    RegionInfo("653124", "泽普县", "county", "653100", "650000"),
    RegionInfo("653125", "莎车县", "county", "653100", "650000"),
    RegionInfo("XJBT00", "新疆生产建设兵团", "bingtuan", "650000", "XJBT00"),
    RegionInfo("XJBT03", "第三师", "division", "XJBT00", "XJBT00"),
    RegionInfo("XJBT14", "第十四师", "division", "XJBT00", "XJBT00"),
]
SECTORS = [
    SectorInfo("01", "教育"),
    SectorInfo("0101", "学前教育", "01"),
    SectorInfo("0104", "教师培训", "01"),
    SectorInfo("08", "养老服务"),
    SectorInfo("0801", "养老机构", "08"),
]
PAIRINGS = [
    PairingInfo("上海市", "310000", "540200"),  # prefecture-level
    PairingInfo("上海市", "310000", "653125"),  # county-level only
    PairingInfo("北京市", "110000", "540100"),
    PairingInfo("广东省", "440000", "XJBT03"),  # 兵团 division
    PairingInfo("北京市", "110000", "XJBT14", verified=False),
]


@pytest.fixture()
def ref() -> Reference:
    return Reference(REGIONS, SECTORS, PAIRINGS)


def needs(*rows: dict) -> NeedTable:
    """Needs with defaults: 教师培训 in 江孜县, 50万 uncommitted."""
    base = {"title": "乡村教师培训", "description": "", "sector_code": "0104",
            "region_code": "540222", "uncommitted_yuan": 500_000}
    return NeedTable.from_records({"id": i + 1, **base, **r} for i, r in enumerate(rows))


def offers(*rows: dict) -> OfferTable:
    """Offers with defaults: 教师培训, open to any region, from 上海, 100万 remaining."""
    base = {"title": "基层教师能力提升", "description": "", "sector_codes": ("0104",),
            "target_region_codes": (), "org_region_code": "310000", "remaining_yuan": 1_000_000}
    return OfferTable.from_records({"id": i + 1, **base, **r} for i, r in enumerate(rows))
