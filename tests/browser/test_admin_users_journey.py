"""The admin's user lifecycle in a real browser: find a user, deactivate them (they can no
longer log in), reactivate, reset the password (the user must change it at next login)."""

from __future__ import annotations

from playwright.sync_api import expect

from matchmaker.extensions import db
from tests import factories

from .conftest import BOTH_WIDTHS, main_nav, screenshot

pytestmark = BOTH_WIDTHS


def _log_in(page, email, password):
    page.goto("/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _log_out(page):
    page.context.clear_cookies()


def test_admin_deactivates_reactivates_and_resets_a_user(page):
    admin = factories.make_user("admin", display_name="平台管理员")
    supporter = factories.make_user("supporter", display_name="张支援",
                                    email="zhang.support@example.cn")
    db.session.commit()

    _log_in(page, admin.email, factories.PASSWORD)
    page.wait_for_url("**/home")
    nav = main_nav(page)
    nav.get_by_role("button", name="管理").click()
    nav.get_by_role("link", name="用户").click()
    expect(page.get_by_role("heading", name="用户管理")).to_be_visible()
    page.get_by_label("关键词").fill("zhang.support")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name="张支援").click()
    expect(page.get_by_test_id("user-detail")).to_contain_text("zhang.support@example.cn")
    screenshot(page, "admin-user-detail")

    page.get_by_role("link", name="停用账户").click()
    expect(page.get_by_role("heading", name="确定要停用账户吗？")).to_be_visible()
    page.get_by_role("button", name="确定停用").click()
    expect(page.get_by_text("账户已停用。")).to_be_visible()
    expect(page.get_by_role("link", name="恢复账户")).to_be_visible()

    _log_out(page)
    _log_in(page, supporter.email, factories.PASSWORD)
    expect(page.get_by_text("该账户已停用")).to_be_visible()  # deactivated: no way in

    _log_in(page, admin.email, factories.PASSWORD)
    page.goto(f"/admin/users/{supporter.id}")
    page.get_by_role("link", name="恢复账户").click()
    page.get_by_role("button", name="确定恢复").click()
    expect(page.get_by_text("账户已恢复。")).to_be_visible()
    page.get_by_role("link", name="重置密码").click()
    page.get_by_role("button", name="确定重置").click()
    temporary = page.get_by_test_id("temporary-password").inner_text().strip()
    assert len(temporary) >= 8
    screenshot(page, "admin-user-password-reset")

    _log_out(page)
    _log_in(page, supporter.email, factories.PASSWORD)
    expect(page.get_by_text("邮箱或密码不正确")).to_be_visible()  # the old password is gone
    _log_in(page, supporter.email, temporary)
    page.goto("/needs")
    page.wait_for_url("**/profile**")  # must change the temporary password first
