"""The login journey in a real browser, for every role."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.web import NAV_ITEMS
from tests import factories

from .conftest import screenshot

#: The navigation each role sees, in order (NAV_ITEMS grows as features land).
NAV = {role: [label for label, _endpoint, roles in NAV_ITEMS if role in roles]
       for role in ("recipient", "supporter", "coordinator", "admin")}
assert NAV["recipient"][:6] == ["首页", "需求清单", "供给清单", "对接", "对口支援关系", "领域分类"]
assert "地区" in NAV["coordinator"] and "地区" not in NAV["recipient"]


def _log_in(page, email, password):
    page.goto("/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize("role", list(NAV))
def test_user_logs_in_sees_role_navigation_and_logs_out(page, role):
    org = factories.make_org(name=f"{role}单位", region_code=factories.ROLE_REGION[role])
    user = factories.make_user(role, org=org, display_name=f"{role}用户")
    db.session.commit()

    page.goto("/home")
    assert "/login" in page.url  # anonymous visitors are sent to the login page
    _log_in(page, user.email, factories.PASSWORD)
    page.wait_for_url("**/home")
    nav = page.get_by_role("navigation", name="主导航")
    links = nav.locator(".navbar-nav.me-auto .nav-link").all_inner_texts()
    assert [t.strip() for t in links] == NAV[role]
    assert user.display_name in page.get_by_test_id("current-user").inner_text()
    screenshot(page, f"home-{role}")

    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login")
    assert "您已安全退出" in page.content()
    page.goto("/home")
    assert "/login" in page.url


def test_wrong_password_shows_a_clear_message(page):
    user = factories.make_user("recipient")
    db.session.commit()
    _log_in(page, user.email, "Wrong-pass1")
    error = page.get_by_test_id("login-error")
    assert error.inner_text() == "邮箱或密码不正确。"
    screenshot(page, "login-error")
    _log_in(page, "nobody@example.cn", "Wrong-pass1")
    assert page.get_by_test_id("login-error").inner_text() == "邮箱或密码不正确。"
