"""Logging in and out, throttling, safe redirects, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, User
from matchmaker.models.base import utcnow
from tests import factories
from tests.conftest import csrf_from, login


def test_login_page_is_chinese_and_has_csrf(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "账户登录" in html
    csrf_from(html)


def test_login_without_csrf_token_is_refused(client, users):
    response = client.post("/login", data={"email": users["recipient"].email,
                                            "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "表单校验失败" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["recipient", "supporter", "coordinator", "admin"])
def test_each_role_logs_in_and_sees_its_navigation(client, users, role):
    response = login(client, users[role].email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/home")
    html = client.get("/home").get_data(as_text=True)
    assert users[role].display_name in html
    assert ("地区</a>" in html) == (role in ("coordinator", "admin"))
    assert "退出" in html


def test_wrong_password_and_unknown_email_get_the_same_message(client, users):
    wrong = login(client, users["recipient"].email, "Wrong-pass1")
    unknown = login(client, "nobody@example.cn", "Wrong-pass1")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "邮箱或密码不正确。" in response.get_data(as_text=True)


def test_login_is_case_insensitive_on_email(client, users):
    assert login(client, users["admin"].email.upper()).status_code == 302


def test_five_failures_lock_the_account_for_15_minutes(client, users):
    user = users["supporter"]
    for _ in range(4):
        assert login(client, user.email, "Wrong-pass1").status_code == 401
    locked = login(client, user.email, "Wrong-pass1")
    assert "已临时锁定" in locked.get_data(as_text=True)
    # Even the right password is refused while locked.
    response = login(client, user.email)
    assert response.status_code == 429
    assert "已临时锁定" in response.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.locked_until > utcnow() + timedelta(minutes=14)


def test_unknown_email_locks_the_same_way(client, users):
    for _ in range(5):
        login(client, "ghost@example.cn", "Wrong-pass1")
    response = login(client, "ghost@example.cn", "Wrong-pass1")
    assert response.status_code == 429
    assert "已临时锁定" in response.get_data(as_text=True)


def test_failures_from_one_address_are_throttled(app, client, users):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    try:
        for n in range(3):
            login(client, f"spray{n}@example.cn", "Wrong-pass1")
        response = login(client, users["admin"].email)
        assert response.status_code == 429
        assert "此网络地址登录失败次数过多" in response.get_data(as_text=True)
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_IP"] = 20


def test_inactive_user_cannot_log_in(client, ctx):
    user = factories.make_user("recipient", active=False)
    db.session.commit()
    response = login(client, user.email)
    assert response.status_code == 401
    assert "已停用" in response.get_data(as_text=True)


def test_logins_are_audited(client, users):
    login(client, users["recipient"].email, "Wrong-pass1")
    login(client, users["recipient"].email)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.user_id == users["recipient"].id)
    ).all()
    assert "login.failure" in actions and "login.success" in actions


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/reference/sectors", "/reference/sectors"),
        ("https://evil.example.com/", "/home"),
        ("//evil.example.com/", "/home"),
        ("/\\evil.example.com", "/home"),
        ("javascript:alert(1)", "/home"),
    ],
)
def test_next_redirect_is_only_followed_within_the_site(client, users, target, expected):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": users["coordinator"].email, "password": factories.PASSWORD,
              "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_logout_needs_post_and_ends_the_session(client, login_as, post_form):
    login_as("recipient")
    assert client.get("/logout").status_code == 405
    response = post_form("/logout", page="/home")
    assert response.status_code == 302
    assert client.get("/home").status_code == 302


def test_session_cookie_is_httponly_and_lax(client, users):
    response = login(client, users["recipient"].email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_security_headers_are_set(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/home")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_error_pages_are_chinese(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)
