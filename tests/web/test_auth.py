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
    """No enumeration: a known and an unknown address both lock on the 5th failure."""
    answers = {}
    for email in (users["recipient"].email, "ghost@example.cn"):
        answers[email] = [login(client, email, "Wrong-pass1").status_code for _ in range(6)]
    known, unknown = answers.values()
    assert known == unknown == [401, 401, 401, 401, 429, 429]


def test_throttled_attempts_do_not_flood_the_audit_log(app, client, users):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    try:
        for n in range(3):
            login(client, f"spray{n}@example.cn", "Wrong-pass1")
        for n in range(10):
            assert login(client, f"more{n}@example.cn", "Wrong-pass1").status_code == 429
        for _ in range(4):
            login(client, users["admin"].email, "Wrong-pass1")
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_IP"] = 20
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("login.failure") == 3
    assert actions.count("login.throttled") == 1


def test_locked_account_attempts_are_one_audit_event(client, users):
    email = users["supporter"].email
    for _ in range(12):
        login(client, email, "Wrong-pass1")
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("login.failure") == 5
    assert actions.count("login.throttled") == 1


def test_behind_a_proxy_each_client_is_throttled_alone(app, client, users):
    from matchmaker.web import trust_proxies

    original = app.wsgi_app
    app.config.update(TRUSTED_PROXY_COUNT=1, LOGIN_MAX_FAILURES_PER_IP=3)
    trust_proxies(app)
    try:
        attacker, colleague = app.test_client(), app.test_client()
        attacker.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
        colleague.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
        for n in range(3):
            login(attacker, f"spray{n}@example.cn", "Wrong-pass1")
        assert login(attacker, users["admin"].email).status_code == 429
        assert login(colleague, users["admin"].email).status_code == 302
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.success"))
        assert event.ip == "198.51.100.7"
    finally:
        app.wsgi_app = original
        app.config.update(TRUSTED_PROXY_COUNT=0, LOGIN_MAX_FAILURES_PER_IP=20)


def test_without_trusted_proxies_forwarded_headers_are_ignored(app, client, users):
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    login(client, users["admin"].email)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.success"))
    assert event.ip != "198.51.100.7"


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


def test_login_attempts_per_address_are_rate_limited(app, client):
    from matchmaker.extensions import limiter

    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        responses = []
        for _ in range(4):
            page = client.get("/login").get_data(as_text=True)
            responses.append(client.post("/login", data={
                "csrf_token": csrf_from(page), "email": "nobody@example.cn",
                "password": "wrong-Passw0rd"}))
        assert [r.status_code for r in responses] == [401, 401, 401, 429]
        assert "过于频繁" in responses[-1].get_data(as_text=True)
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"
        limiter.reset()
