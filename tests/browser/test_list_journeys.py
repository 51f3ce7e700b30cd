"""Posting to the lists in a real browser: a recipient's need, a supporter's offer."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Need, Offer
from tests import factories

from .conftest import BOTH_WIDTHS, main_nav, screenshot
from .pickers import pick
from .test_login_journey import _log_in

pytestmark = BOTH_WIDTHS


def test_recipient_creates_fixes_publishes_and_edits_a_need(page):
    org = factories.make_org(name="日喀则市民政局", region_code="540200")
    user = factories.make_user("recipient", org=org)
    db.session.commit()
    _log_in(page, user.email, factories.PASSWORD)
    page.get_by_role("link", name="发布需求").first.click()
    page.get_by_label("项目名称").fill("江孜县乡村教师培训")
    pick(page, "领域", "教师培训")
    pick(page, "受援地区", "江孜县")
    page.get_by_label("资金需求（万元）").fill("-5")
    page.get_by_role("button", name="保存草稿").click()
    assert "金额必须大于 0" in page.content()
    screenshot(page, "need-form-errors")

    page.get_by_label("资金需求（万元）").fill("３５")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/needs/*")
    assert "草稿" in page.content()
    page.get_by_role("button", name="发布").click()
    assert "已发布。" in page.content()
    page.get_by_role("link", name="编辑").click()
    page.get_by_label("受益人数").fill("120")
    page.get_by_role("button", name="保存").click()
    assert "120" in page.content()
    screenshot(page, "need-detail")

    need = db.session.scalar(select(Need))
    db.session.refresh(need)
    assert (need.status, need.budget_yuan, need.beneficiaries) == ("published", 350_000, 120)

    # A second published need that does not match the search: the search must drop it.
    factories.make_need(factories.make_org(name="拉萨市卫生健康委", region_code="540100"),
                        title="拉萨市医疗设备采购", description="救护车与监护仪")
    db.session.commit()
    main_nav(page).get_by_role("link", name="需求清单").click()
    titles = page.get_by_test_id("need-list").locator("tbody td.cell-title")
    expect(titles).to_have_count(2)
    page.get_by_placeholder("搜索项目名称或简介").fill("教师")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"[?&]q=%E6%95%99%E5%B8%88"))
    expect(titles).to_have_text(["江孜县乡村教师培训"])
    screenshot(page, "need-list")


def test_supporter_posts_an_offer_for_its_partner_regions(page):
    org = factories.make_org(name="上海市民政局", region_code="310000")
    user = factories.make_user("supporter", org=org)
    db.session.commit()
    _log_in(page, user.email, factories.PASSWORD)
    page.goto("/offers/new")
    page.get_by_label("项目名称").fill("基层教师能力提升")
    pick(page, "领域（可多选）", "教师培训", "职业教育")
    pick(page, "意向受援地区（可多选，不选表示不限）", "江孜县")
    page.get_by_label("可投入资金（万元）").fill("1,200")
    page.get_by_role("button", name="保存并发布").click()
    page.wait_for_url("**/offers/*")
    assert "供给已发布。" in page.content()
    offer = db.session.scalar(select(Offer))
    assert offer.budget_yuan == 12_000_000 and offer.target_region_codes == ["540222"]
    screenshot(page, "offer-detail")
