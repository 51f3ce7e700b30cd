"""The coordinator journey in a real browser: need → candidates → confirm → both sides
accept → the recipient reports completion; and a rejection."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Match, Offer
from matchmaker.services.matching.figures import beijing_today
from tests import factories

from .conftest import BOTH_WIDTHS, main_nav, screenshot
from .test_login_journey import _log_in

pytestmark = BOTH_WIDTHS


def _setup():
    r_org = factories.make_org(name="日喀则市民政局", region_code="540200")
    s_org = factories.make_org(name="上海市民政局", region_code="310000")
    users = {
        "recipient": factories.make_user("recipient", org=r_org),
        "supporter": factories.make_user("supporter", org=s_org),
        "coordinator": factories.make_user("coordinator", org=None),
    }
    need = factories.make_need(r_org, title="江孜县乡村教师培训", region_code="540222",
                               sector_code="0104", budget_yuan=350_000)
    factories.make_offer(s_org, title="基层教师能力提升", sectors=("0104",),
                         regions=("540222",), budget_yuan=600_000)
    factories.make_offer(s_org, title="牧区饮水工程", sectors=("0602",), budget_yuan=900_000)
    db.session.commit()
    return users, need


def _flash(page, text: str):
    """The flash message containing ``text`` (Playwright waits for it to appear)."""
    return page.get_by_role("alert").filter(has_text=text)


def _switch(page, user):
    main_nav(page).get_by_role("button", name="退出").click()
    page.wait_for_url("**/login")
    _log_in(page, user.email, factories.PASSWORD)
    page.wait_for_url("**/home")


def test_confirm_accept_complete(page):
    users, need = _setup()
    _log_in(page, users["coordinator"].email, factories.PASSWORD)
    page.goto(f"/needs/{need.id}")
    page.get_by_role("link", name="推荐供给").click()
    first = page.get_by_test_id("candidate").first
    expect(first).to_contain_text("基层教师能力提升")
    screenshot(page, "candidates")
    first.get_by_text("确认对接").click()
    first.get_by_label("对接金额（万元）").fill("30")
    first.get_by_role("button", name="确认", exact=True).click()
    expect(page).to_have_url(re.compile(r"/matches/\d+$"))
    expect(_flash(page, "已确认对接")).to_be_visible()
    match_url = page.url

    _switch(page, users["recipient"])
    expect(page.get_by_test_id("awaiting").get_by_text("江孜县乡村教师培训")).to_be_visible()
    page.goto(match_url)
    page.get_by_role("button", name="接受对接").click()
    expect(_flash(page, "已接受。")).to_be_visible()
    _switch(page, users["supporter"])
    page.goto(match_url)
    page.get_by_role("button", name="接受对接").click()
    expect(_flash(page, "已接受。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("双方已接受")

    _switch(page, users["recipient"])
    page.goto(match_url)
    page.get_by_label("完成日期").fill(beijing_today().isoformat())
    page.get_by_label("实际到位资金（万元）").fill("30")
    page.get_by_label("实施成效").fill("培训教师 118 名")
    page.get_by_role("button", name="下一步：核对").click()
    expect(page.get_by_test_id("confirm-delivered")).to_have_text("30")
    page.get_by_role("button", name="确认报告完成").click()
    expect(_flash(page, "已报告完成")).to_be_visible()
    screenshot(page, "match-completed")
    match = db.session.scalar(select(Match))
    db.session.refresh(match)
    assert (match.status, match.amount_yuan, match.delivered_yuan) == (
        "completed", 300_000, 300_000)


def test_rejection_removes_the_candidate(page):
    users, need = _setup()
    _log_in(page, users["coordinator"].email, factories.PASSWORD)
    page.goto(f"/matches/need/{need.id}")
    first = page.get_by_test_id("candidate").first
    first.get_by_text("否决").first.click()
    first.get_by_placeholder("否决理由（必填）").fill("已由其他项目覆盖")
    first.get_by_role("button", name="否决").last.click()
    expect(_flash(page, "已否决")).to_be_visible()
    rejected = page.get_by_test_id("candidate").filter(has_text="基层教师能力提升")
    expect(rejected).to_have_count(0)
    offer = db.session.scalar(select(Offer).where(Offer.title == "基层教师能力提升"))
    assert offer.committed_yuan == 0
