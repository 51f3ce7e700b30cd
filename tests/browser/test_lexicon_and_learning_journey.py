"""An admin in a real browser: finds a concept in the 项目类型词库, adds a synonym, disables
another after confirming; then learns the scoring weights from coordinators' decisions and
reads the held-out comparison. Screenshots at laptop (1366) and phone (390) widths."""

from __future__ import annotations

from playwright.sync_api import expect

from matchmaker.extensions import db
from tests import decision_helpers as dh
from tests import factories

from .conftest import screenshot


def _log_in(page, email, password):
    page.goto("/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/home")


def test_admin_edits_the_lexicon(page, fresh_reference):
    admin = factories.make_user("admin", display_name="平台管理员")
    db.session.commit()
    _log_in(page, admin.email, factories.PASSWORD)
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("button", name="参考数据").click()
    nav.get_by_role("link", name="项目类型词库").click()
    expect(page.get_by_role("heading", name="项目类型词库")).to_be_visible()
    page.get_by_label("搜索").fill("先心病")
    page.get_by_role("button", name="筛选").click()
    table = page.get_by_test_id("concepts")
    expect(table).to_contain_text("先天性心脏病救治")
    page.set_viewport_size({"width": 1366, "height": 860})
    screenshot(page, "lexicon-list-1366")

    table.get_by_role("link", name="编辑").click()
    page.locator("#term").fill("心脏缺损")  # the add form (each synonym has its own box)
    page.get_by_role("button", name="添加同义词").click()
    expect(page.get_by_text("已添加同义词“心脏缺损”。")).to_be_visible()
    expect(page.get_by_label("同义词 心脏缺损")).to_be_visible()

    messages = []
    page.once("dialog", lambda d: (messages.append(d.message), d.accept()))
    row = page.get_by_test_id("terms").get_by_role("listitem").filter(
        has=page.get_by_label("同义词 救心"))
    row.get_by_role("button", name="停用").click()
    expect(page.get_by_text("已停用同义词“救心”。")).to_be_visible()
    assert messages == ["确定停用同义词“救心”？"]
    screenshot(page, "lexicon-edit-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "lexicon-edit-390")
    page.goto("/reference/concepts?q=村医")
    screenshot(page, "lexicon-list-390")

    page.get_by_role("navigation", name="主导航")
    page.goto("/reference/concepts/new")
    page.get_by_label("项目类型名称").fill("先心病")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("“先心病”已是项目类型“先天性心脏病救治”的同义词。")).to_be_visible()


def test_admin_learns_weights_and_sees_the_held_out_comparison(page, users):
    sides = users["recipient"].organisation, users["supporter"].organisation
    dh.decide_all(dh.make_needs(*sides, 24), users["coordinator"], dh.money_offer)
    _log_in(page, users["admin"].email, factories.PASSWORD)
    page.goto("/reference/scoring")
    page.get_by_role("button", name="从决定中学习权重").click()
    card = page.get_by_test_id("last-attempt")
    expect(card).to_contain_text("已启用")
    expect(page.get_by_test_id("held-out")).to_contain_text("首位命中率")
    page.set_viewport_size({"width": 1366, "height": 860})
    screenshot(page, "scoring-learned-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "scoring-learned-390")

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="恢复默认权重").click()
    expect(page.get_by_text("已恢复默认权重。")).to_be_visible()
