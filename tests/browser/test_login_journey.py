"""The login journey in a real browser, for every role."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from tests import factories

from .conftest import screenshot

#: The top-level navigation each role sees, in order (参考数据 and 管理 are drop-downs).
ORG_NAV = ["首页", "需求清单", "供给清单", "对接", "表彰", "参考数据"]
STAFF_NAV = ["首页", "需求清单", "供给清单", "对接", "统计", "参考数据", "管理"]
NAV = {"recipient": ORG_NAV, "supporter": ORG_NAV, "coordinator": STAFF_NAV,
       "admin": STAFF_NAV}


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
    nav.get_by_role("button", name="参考数据").click()
    menu = [t.strip() for t in nav.locator(".dropdown-menu.show .dropdown-item").all_inner_texts()]
    staff_menu = ["对口支援关系", "领域分类", "地区", "项目类型词库"]
    assert menu == (staff_menu if role in ("coordinator", "admin") else staff_menu[:2])
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
