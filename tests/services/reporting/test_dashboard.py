"""Dashboard figures checked against the rows in the database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Match, Need
from matchmaker.services.reporting import dashboard, gaps, honours, tilemap
from matchmaker.services.reporting.dashboard import Scope
from tests.dashboard_helpers import build


@pytest.fixture()
def data(ctx):
    return build()


def _by_key(rows):
    return {r["key"]: r for r in rows}


def test_needs_by_province_match_the_database(data):
    rows = _by_key(dashboard.needs_by("province", Scope()))
    assert set(rows) == {"540000", "650000", "XJBT00"}
    tibet = rows["540000"]
    assert (tibet["label"], tibet["posted_n"], tibet["posted"]) == ("西藏", 3, 1_900_000)
    assert (tibet["committed_n"], tibet["committed"]) == (2, 500_000)
    assert (tibet["delivered_n"], tibet["delivered"]) == (1, 380_000)
    assert rows["XJBT00"]["delivered"] == 200_000
    # Totals equal plain sums over the non-draft needs and completed matches.
    posted = db.session.scalar(select(func.sum(Need.budget_yuan)).where(Need.status != "draft"))
    delivered = db.session.scalar(select(func.sum(Match.delivered_yuan))
                                  .where(Match.status == "completed"))
    total = dashboard.totals(list(rows.values()))
    assert (total["posted"], total["delivered"]) == (posted, delivered)


def test_needs_by_prefecture_and_sector(data):
    pref = _by_key(dashboard.needs_by("prefecture", Scope()))
    assert pref["540200"]["label"] == "日喀则市" and pref["540200"]["posted_n"] == 3
    assert pref["650100"]["posted"] == 800_000
    assert pref["XJBT01"]["label"] == "第一师"
    sector = _by_key(dashboard.needs_by("sector", Scope()))
    assert sector["01"]["label"] == "教育"
    assert sector["01"]["posted"] == 1_000_000 + 300_000 + 800_000
    assert sector["10"]["committed"] == 200_000


def test_scope_narrows_province_and_period(data):
    rows = dashboard.needs_by("province", Scope(province="650000"))
    assert [r["key"] for r in rows] == ["650000"]
    future = Scope(date_from=date(2100, 1, 1))
    assert dashboard.needs_by("province", future) == []


def test_scope_from_args_ignores_bad_input():
    scope = Scope.from_args({"province": "110000", "from": "not-a-date", "to": "2025-13-40"})
    assert scope == Scope()
    scope = Scope.from_args({"province": "XJBT00", "from": "2025-12-31", "to": "2025-01-01"})
    assert (scope.province, scope.date_from, scope.date_to) == (
        "XJBT00", date(2025, 1, 1), date(2025, 12, 31))
    assert Scope.from_args({"year": "2025"}).date_to == date(2025, 12, 31)


def test_offers_by_kind(data):
    rows = {r["key"]: r for r in dashboard.offers_by_kind(Scope())}
    assert rows["bureau"]["budget"] == 3_000_000
    assert rows["bureau"]["committed"] == 800_000
    assert rows["bureau"]["remaining"] == 2_200_000
    assert rows["social_org"]["remaining"] == 300_000


def test_funnel_counts_and_medians(data):
    confirmed, accepted, completed = dashboard.funnel(Scope())
    assert (confirmed["count"], accepted["count"], completed["count"]) == (4, 3, 2)
    assert accepted["days"] == 6.0  # 4, 6 and 10 days
    # Completion dates are days; acceptance was at 09:00: 59.625 and 29.625 days.
    assert completed["days"] == pytest.approx(44.6, abs=0.05)
    assert completed["total_days"] == pytest.approx(51.6, abs=0.05)


def test_gap_ranking(data):
    page = gaps.gap_page(Scope())
    got = [(r["prefecture"], r["sector"], r["gap"]) for r in page.items]
    assert got == [("540200", "01", 900_000), ("540200", "02", 500_000),
                   ("650100", "01", 500_000), ("XJBT01", "10", 200_000)]
    assert page.items[0]["needs"] == 2 and page.total == 4
    assert gaps.gap_page(Scope(), page=2, per_page=3).items[0]["prefecture"] == "XJBT01"
    assert gaps.gap_page(Scope(), page=99, per_page=3).page == 2  # clamped


def test_old_needs_without_money(data):
    old = gaps.old_uncommitted(Scope())
    assert [n.id for n in old.items] == [data["needs"]["stale"].id]


def test_silent_partner_regions(data):
    silent = {r["code"]: r for r in gaps.silent_partner_regions(Scope(province="540000"))}
    assert "540200" not in silent  # 上海 has posted an offer
    assert "540100" in silent and "北京" in silent["540100"]["partners"]
    assert all(code.startswith("54") for code in silent)


def test_tile_map_colours_by_gap(data):
    by_pref = gaps.gap_by_prefecture(Scope())
    assert by_pref["540200"] == 1_400_000 and by_pref["XJBT01"] == 200_000
    tiles = {t["code"]: t for t in tilemap.tiles(by_pref)["tiles"]}
    assert len(tiles) == 7 + 15 + 14
    assert tiles["540200"]["fill"] == tilemap.COLOURS[4]
    assert tiles["540100"]["fill"] == tilemap.COLOURS[0]
    assert tiles["XJBT11"]["short"] == "第十一师"


def test_honours_ranking_and_years(data):
    rows = honours.ranking(None)
    assert [(r["name"], r["delivered"], r["completed"]) for r in rows] == [
        ("上海市民政局", 380_000, 1), ("深圳慈善基金会", 200_000, 1)]
    assert len(honours.ranking(2025)) == 2 and honours.ranking(2024) == []
    assert 2025 in honours.years()
    cert = honours.certificate(data["orgs"]["shanghai"].id, 2025)
    assert cert["regions"] == ["江孜县"] and cert["delivered"] == 380_000
    assert honours.certificate(data["orgs"]["tibet"].id, None) is None
    assert honours.valid_year("20x5") is None and honours.valid_year("2025") == 2025
