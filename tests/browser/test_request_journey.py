"""申请对接 in a real browser at desktop and phone widths: a supporter asks on a recommended
need, the coordinator sees who asked in the work queue and confirms, both sides then see
the match. Screenshots in test-artifacts/ (request-*.png)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from tests import factories

from .conftest import screenshot
from .test_login_journey import _log_in

WIDTHS = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}


@pytest.fixture()
def sign_in(browser, live_server, ctx):
    """``sign_in(user, width)``: a fresh browser context (its own cookies) signed in."""
    contexts = []

    def _sign_in(user, width):
        context = browser.new_context(base_url=live_server, locale="zh-CN",
                                      viewport=WIDTHS[width])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        _log_in(page, user.email, factories.PASSWORD)
        page.wait_for_url("**/home")
        return page

    yield _sign_in
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_supporter_asks_coordinator_confirms_both_sides_see_the_match(sign_in, width):
    r_org = factories.make_org(name="日喀则市民政局", region_code="540200")
    s_org = factories.make_org(name="上海市民政局", region_code="310000")
    recipient = factories.make_user("recipient", org=r_org, display_name="次仁")
    supporter = factories.make_user("supporter", org=s_org, display_name="张支援")
    coordinator = factories.make_user("coordinator", org=None, display_name="王协调")
    factories.make_need(r_org, title="江孜县乡村教师培训", region_code="540222",
                        sector_code="0104", budget_yuan=350_000)
    offer = factories.make_offer(s_org, title="基层教师能力提升", sectors=("0104",),
                                 regions=("540222",), budget_yuan=600_000)
    db.session.commit()

    # the supporter asks on its offer's recommended need
    page = sign_in(supporter, width)
    page.goto(f"/matches/offer/{offer.id}")
    card = page.get_by_test_id("candidate").filter(has_text="江孜县乡村教师培训")
    card.locator("summary", has_text="申请对接").click()
    card.get_by_label("给协调员的说明（选填）").fill("双方已初步沟通，资金可于下季度到位")
    screenshot(page, f"request-ask-{width}")
    card.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("已申请对接，协调员将在工作台处理")).to_be_visible()
    expect(page.get_by_test_id("request-open")).to_contain_text("张支援")
    screenshot(page, f"request-asked-{width}")

    # the coordinator sees who asked, in the work queue, and confirms
    page = sign_in(coordinator, width)
    queue = page.get_by_test_id("queue-requests")
    expect(queue).to_contain_text("对接申请（1）")
    expect(queue).to_contain_text("张支援（上海市民政局，供给方）")
    screenshot(page, f"request-home-{width}")
    page.get_by_test_id("queue-requests-link").click()
    request = page.get_by_test_id("request")
    expect(request.get_by_test_id("request-asker")).to_contain_text("双方已初步沟通")
    screenshot(page, f"request-queue-{width}")
    expect(request.get_by_label("对接金额（万元）")).to_have_value("35")
    request.get_by_role("button", name="确认", exact=True).click()
    expect(page.get_by_text("已确认对接，资金已锁定")).to_be_visible()
    match_url = page.url
    page.goto("/matches/requests")
    expect(page.get_by_test_id("no-requests")).to_be_visible()
    expect(page.get_by_test_id("handled-requests")).to_contain_text("已确认对接")

    # both sides see the match and what to do next
    for user in (supporter, recipient):
        page = sign_in(user, width)
        page.goto(match_url)
        expect(page.get_by_role("heading", level=1)).to_contain_text("已确认")
        expect(page.locator("main")).to_contain_text("江孜县乡村教师培训")
        expect(page.get_by_role("button", name="接受对接")).to_be_visible()
        screenshot(page, f"request-match-{user.role}-{width}")
    page.goto("/notifications")
    expect(page.get_by_text("协调员确认了对接")).to_be_visible()
