"""建议方案 in a real browser: select all / none and the live total of the ticked rows, then
the confirmation step lists exactly what will be confirmed."""

from __future__ import annotations

from playwright.sync_api import expect

from matchmaker.extensions import db
from tests import factories

from .conftest import BOTH_WIDTHS, screenshot

pytestmark = BOTH_WIDTHS


def test_coordinator_ticks_rows_sees_the_total_and_confirms(page):
    r_org = factories.make_org(region_code="540200")
    s_org = factories.make_org(region_code="310000")
    for n in range(2):
        factories.make_need(r_org, title=f"教师培训{n}", sector_code="0104",
                            region_code="540222", budget_yuan=300_000)
    factories.make_offer(s_org, title="教师培训资金", sectors=("0104",), regions=("540200",),
                         budget_yuan=500_000)
    coordinator = factories.make_user("coordinator")
    db.session.commit()

    page.goto("/login")
    page.get_by_label("邮箱").fill(coordinator.email)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/home")
    page.goto("/matches/plan?run=1&province=540000&sector=01")
    total = page.get_by_test_id("plan-total")
    page.get_by_role("button", name="全不选").click()  # shown only with JavaScript
    expect(total).to_have_text("0")
    page.get_by_role("button", name="全选").click()
    expect(total).to_have_text("50")
    page.get_by_test_id("include-1").uncheck()
    expect(total).not_to_have_text("50")
    screenshot(page, "plan-ticked")
    page.get_by_test_id("include-1").check()
    page.get_by_role("button", name="核对选中的对接").click()
    expect(page.get_by_test_id("confirm-total")).to_have_text("50")
    screenshot(page, "plan-confirm")
