"""Reference data: what `flask seed` loads, and that a second run changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Pairing, Region, Sector
from matchmaker.services.reference import seed


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(m)) for m in (Region, Sector, Pairing)
    )


def test_seed_twice_changes_nothing(ctx):
    before = _counts()
    result = seed.seed_all()
    assert (result["regions"], result["sectors"], result["pairings"]) == (0, 0, 0)
    assert _counts() == before
    assert before[0] == 254 and before[1] > 50 and before[2] > 140


def test_bingtuan_is_its_own_recipient_province(ctx):
    division = db.session.get(Region, "XJBT03")
    assert division.name == "第三师"
    assert division.province_code == "XJBT00"
    county = db.session.get(Region, "540222")  # 江孜县
    assert county.parent_code == "540200" and county.province_code == "540000"


def test_unverified_rows_are_flagged_not_dropped(ctx):
    region = db.session.get(Region, "653132")  # 岑岭县, code marked '?'
    assert region is not None and region.verified is False
    unverified = db.session.scalar(
        select(func.count(Pairing.id)).where(Pairing.verified.is_(False))
    )
    assert unverified > 10


def test_pairings_resolve_to_counties_prefectures_and_divisions(ctx):
    def pairs(supporter):
        return set(db.session.scalars(
            select(Pairing.recipient_region_code).where(Pairing.supporter_name == supporter)
        ))

    assert {"540200", "540222"} <= pairs("上海市")  # 日喀则市, 江孜县
    assert "653125" in pairs("上海市")  # 莎车县
    assert "XJBT03" in pairs("广东省")  # 第三师(图木舒克市)
    shanghai = db.session.scalar(select(Pairing).where(Pairing.supporter_name == "上海市"))
    assert shanghai.supporter_region_code == "310000"


def test_historical_pairing_is_inactive(ctx):
    fujian_nyingchi = db.session.scalar(
        select(Pairing).where(
            Pairing.supporter_name == "福建省", Pairing.recipient_region_code == "540400"
        )
    )
    assert fujian_nyingchi.active is False


def test_seed_keeps_admin_corrections(ctx, fresh_reference):
    pairing = db.session.scalar(select(Pairing).where(Pairing.verified.is_(False)))
    pairing.verified = True
    db.session.commit()
    seed.seed_all()
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Pairing, pairing.id).verified is True


def test_sector_tree_has_two_levels(ctx):
    child = db.session.get(Sector, "0104")
    assert child.parent.name == "教育"
    assert child.full_name == "教育 › 教师培训"
