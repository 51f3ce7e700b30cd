"""Laptop and phone screens: the searchable region picker on the offer form, and lists that
fit at 1366 px (no column clipped or scrolled away) and become cards at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Need, Offer
from matchmaker.services.matching.lifecycle import Decision, decide
from tests import factories
from tests.sheet_helpers import need_row, xlsx

from .conftest import screenshot
from .pickers import pick

LAPTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LONG_ORG = "新疆维吾尔自治区喀什地区疏附县乡村振兴与社会工作服务发展促进中心"


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def _page(browser, live_server, viewport, user):
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.get_by_label("邮箱").fill(user.email)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/home")
    return page


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_supporter_searches_and_picks_two_regions_by_typing(browser, live_server, ctx,
                                                            viewport):
    org = factories.make_org(name="上海市民政局", region_code="310000")
    user = factories.make_user("supporter", org=org)
    db.session.commit()
    page = _page(browser, live_server, viewport, user)
    page.goto("/offers/new")
    expect(page.get_by_text("按住 Ctrl")).to_have_count(0)  # the native hint goes
    page.get_by_label("项目名称").fill("城关区与十一师社区养老")
    pick(page, "领域（可多选）", "居家社区养老")
    pick(page, "意向受援地区（可多选，不选表示不限）", "城关", "第十一师")
    chips = page.locator("#target_regions-ts-control").locator("xpath=..").locator(".item")
    expect(chips).to_contain_text(["拉萨市 › 城关区", "第十一师（建工师）"])
    screenshot(page, f"offer-picker-{viewport['width']}")
    page.get_by_label("可投入资金（万元）").fill("80")
    page.get_by_role("button", name="保存并发布").click()
    page.wait_for_url("**/offers/*")
    assert "供给已发布。" in page.content()
    offer = db.session.scalar(select(Offer))
    assert sorted(offer.target_region_codes) == ["540102", "XJBT11"]
    assert [s.code for s in offer.sectors] == ["0802"]
    page.context.close()


def _busy_lists():
    """Lists with long names, many target regions and a match, as on a real desk."""
    need_org = factories.make_org(name=LONG_ORG, region_code="653121")
    offer_org = factories.make_org(name="广东省社会组织总会乡村振兴与对口支援专项基金管理委员会",
                                   kind="social_org", region_code="440000")
    for i in range(3):
        factories.make_need(need_org, title=f"疏附县乡村幼儿园双语教学设备配置与教师培训项目{i}",
                            region_code="653121", budget_yuan=12_345_678)
        factories.make_offer(offer_org, title=f"粤疆乡村振兴社会工作人才培养与社区服务提升计划{i}",
                             sectors=("0104", "0103", "1402", "0702"),
                             regions=("653121", "653122", "540102", "XJBT11", "XJBT03"),
                             budget_yuan=98_765_432)
    coordinator = factories.make_user("coordinator")
    admin = factories.make_user("admin")
    db.session.flush()
    need = db.session.scalars(select(Need)).first()
    offer = db.session.scalars(select(Offer)).first()
    decide(Decision(need.id, offer.id, "confirmed", amount_yuan=1_000_000), by=coordinator)
    db.session.commit()
    return coordinator, admin


def _check_laptop(page, path):
    page.goto(path)
    tables = page.locator("table.list-cards")
    expect(tables.first).to_be_visible()
    for i in range(tables.count()):
        fit = tables.nth(i).evaluate("""t => { const w = t.parentElement;
            const right = w.getBoundingClientRect().right + 0.5;
            const ths = [...t.querySelectorAll('th')];
            return {scroll: w.scrollWidth, client: w.clientWidth,
                    clipped: ths.filter(th => th.getBoundingClientRect().right > right)
                                .map(th => th.innerText)}; }""")
        assert fit["scroll"] <= fit["client"] and not fit["clipped"], (path, fit)


def _check_phone(page, path, roles):
    page.goto(path)
    table = page.locator("table.list-cards").first
    assert table.locator("thead").evaluate("e => e.getBoundingClientRect().height") <= 1
    row = table.locator("tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "flex", path
    for role in roles:
        cell = row.locator(f"td.{role}").first
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (path, role, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path


def test_lists_fit_at_1366_and_are_cards_at_390(browser, live_server, ctx):
    coordinator, admin = _busy_lists()
    full = ("cell-title", "cell-amount", "cell-status", "cell-region", "cell-date")
    staff_lists = {"/needs": full, "/offers": full, "/matches": full,
                   "/orgs": ("cell-title", "cell-status", "cell-region", "cell-date")}
    admin_lists = {"/admin/users": ("cell-title", "cell-status", "cell-date"),
                   "/audit": ("cell-title", "cell-status", "cell-date"),
                   "/reference/concepts": ("cell-title", "cell-status", "cell-meta")}
    for user, lists in ((coordinator, staff_lists), (admin, admin_lists)):
        for viewport in (LAPTOP, PHONE):
            page = _page(browser, live_server, viewport, user)
            for path, roles in lists.items():
                if viewport is LAPTOP:
                    _check_laptop(page, path)
                else:
                    _check_phone(page, path, roles)
                screenshot(page, f"list{path.replace('/', '-')}-{viewport['width']}")
            page.context.close()


def test_import_preview_shows_every_column_and_marks_the_error_cell(browser, live_server, ctx):
    org = factories.make_org(name="日喀则市民政局（屏幕）", region_code="540200")
    user = factories.make_user("recipient", org=org)
    db.session.commit()
    about = ("为全县 12 所乡村幼儿园配置双语教学设备，并组织教师分批到上海跟岗培训，"
             "覆盖幼儿 1,200 名。")
    data = xlsx([need_row("江孜县乡村幼儿园双语教学设备配置", 项目简介=about),
                 need_row("乙", 联系电话="12345")])
    for viewport in (LAPTOP, PHONE):
        page = _page(browser, live_server, viewport, user)
        page.goto("/import/needs")
        page.get_by_label("清单文件").set_input_files(
            {"name": "需求清单.xlsx", "mimeType": XLSX, "buffer": data})
        page.get_by_role("button", name="上传并检查").click()
        page.wait_for_url("**/import/needs/*")
        table = page.get_by_test_id("preview-table")
        error_cell = table.locator("td.cell-error")
        expect(error_cell).to_have_count(1)
        expect(error_cell).to_be_visible()
        assert error_cell.get_attribute("data-label") == "联系电话"
        message = table.locator("tr.preview-error td")
        expect(message).to_contain_text("第 3 行 · 联系电话：")
        width = message.evaluate("td => [td.scrollWidth, td.clientWidth]")
        assert width[0] <= width[1]  # the message wraps, nothing is cut
        if viewport is LAPTOP:
            _check_laptop(page, page.url)
            for header in ("结束日期", "联系人", "联系电话"):
                expect(table.get_by_role("columnheader", name=header)).to_be_visible()
        screenshot(page, f"import-preview-{viewport['width']}")
        page.context.close()
