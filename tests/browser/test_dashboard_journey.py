"""Dashboard pages in a real browser as a coordinator (desktop and phone width), with their
numbers checked against the database; a recipient sees only the 表彰 list."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Need
from tests import factories
from tests.dashboard_helpers import build

from .conftest import screenshot
from .test_login_journey import _log_in

PAGES = [("/dashboard/", "dashboard-overview"), ("/dashboard/gaps", "dashboard-gaps"),
         ("/dashboard/map", "dashboard-map"), ("/dashboard/honours", "dashboard-honours")]


def _wan(yuan: int) -> str:
    return f"{yuan / 10000:g}"


def test_coordinator_dashboard(page):
    data = build()
    coordinator = factories.make_user("coordinator", org=None)
    db.session.commit()
    tibet_posted = db.session.scalar(
        select(func.sum(Need.budget_yuan)).where(Need.status != "draft",
                                                 Need.region_code.like("54%")))
    _log_in(page, coordinator.email, factories.PASSWORD)
    page.wait_for_url("**/home")
    page.get_by_role("link", name="统计", exact=True).click()
    row = page.get_by_test_id("row-540000").first
    assert row.locator("td").nth(2).inner_text() == _wan(tibet_posted)
    assert page.get_by_test_id("funnel-3").locator("td").nth(1).inner_text() == "2"
    for path, name in PAGES:
        page.goto(path)
        screenshot(page, name)
    page.goto("/dashboard/gaps")
    first = page.get_by_test_id("gap-row").first
    assert "日喀则市" in first.inner_text() and "90" in first.inner_text()
    page.goto("/dashboard/map")
    assert page.get_by_test_id("tile-540200").locator("td").nth(1).inner_text() == "140"
    page.locator('svg.tilemap a[data-code="540200"]').click()  # a tile opens its gap list
    page.wait_for_url("**/dashboard/gaps?prefecture=540200")
    rows = page.get_by_test_id("gap-row")
    expect(rows.first).to_contain_text("日喀则市")
    assert all("日喀则市" in text for text in rows.all_inner_texts())
    page.goto("/dashboard/honours?year=2025")
    page.get_by_test_id("honour-row").first.get_by_role("link", name="上海市民政局").click()
    assert page.get_by_test_id("cert-delivered").inner_text() == "38"
    screenshot(page, "dashboard-certificate")
    org = data["orgs"]["shanghai"]
    assert org.name in page.get_by_test_id("certificate").inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in PAGES:
        page.goto(path)
        screenshot(page, f"{name}-phone")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"{path} scrolls sideways on a phone ({width}px)"


def test_recipient_sees_the_honours_list(page):
    build()
    recipient = factories.make_user("recipient")
    db.session.commit()
    _log_in(page, recipient.email, factories.PASSWORD)
    page.wait_for_url("**/home")
    assert page.get_by_role("link", name="统计", exact=True).count() == 0
    page.goto("/dashboard/honours")
    assert "上海市民政局" in page.get_by_test_id("honour-row").first.inner_text()
