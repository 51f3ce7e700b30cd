"""The admin's user pages: list, create, and each lifecycle action behind a confirmation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import ApiToken, AuditEvent, User
from matchmaker.models.base import utcnow
from matchmaker.services.accounts import identity
from tests import factories
from tests.conftest import csrf_from, login


def _confirm(client, path: str):
    """Open the confirmation page, then POST its form."""
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "确定要" in html
    return client.post(path, data={"csrf_token": csrf_from(html)})


def _events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _password_from(html: str) -> str:
    return html.split('data-testid="temporary-password">')[1].split("<")[0]


def test_list_searches_and_shows_status(client, login_as, users):
    login_as("admin")
    users["supporter"].locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    html = client.get("/admin/users").get_data(as_text=True)
    assert users["recipient"].email in html and "已锁定" in html
    html = client.get("/admin/users", query_string={"q": users["recipient"].email}).get_data(
        as_text=True)
    assert users["recipient"].email in html and users["supporter"].email not in html
    html = client.get("/admin/users?status=locked").get_data(as_text=True)
    assert users["supporter"].email in html and users["recipient"].email not in html


def test_users_menu_is_for_admins_only(client, login_as):
    login_as("coordinator")
    assert "/admin/users" not in client.get("/home").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(
        client.get("/profile").get_data(as_text=True))})
    login_as("admin")
    assert "/admin/users" in client.get("/home").get_data(as_text=True)


def test_create_user_shows_a_temporary_password_that_must_be_changed(app, client, login_as,
                                                                     users):
    login_as("admin")
    page = client.get("/admin/users/new").get_data(as_text=True)
    org = users["recipient"].organisation
    response = client.post("/admin/users/new", data={
        "csrf_token": csrf_from(page), "email": "New.User@Example.cn", "display_name": "新用户",
        "role": "recipient", "organisation": str(org.id)})
    assert response.status_code == 200
    password = _password_from(response.get_data(as_text=True))
    assert _events("user.create")[0].user_id == users["admin"].id

    newcomer = app.test_client()
    assert login(newcomer, "new.user@example.cn", password).status_code == 302
    response = newcomer.get("/needs")
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    html = newcomer.get("/profile").get_data(as_text=True)
    changed = newcomer.post("/profile/password", data={
        "csrf_token": csrf_from(html), "old_password": password,
        "new_password": "Fresh-Pass-42", "confirm": "Fresh-Pass-42"})
    assert changed.status_code == 302
    assert newcomer.get("/needs").status_code == 200


def test_create_user_refuses_bad_input_without_saving(client, login_as):
    login_as("admin")
    page = client.get("/admin/users/new").get_data(as_text=True)
    response = client.post("/admin/users/new", data={
        "csrf_token": csrf_from(page), "email": "not-an-email", "role": "recipient",
        "organisation": ""})
    assert response.status_code == 422
    response = client.post("/admin/users/new", data={
        "csrf_token": csrf_from(page), "email": "x@example.cn", "role": "recipient",
        "organisation": ""})
    assert response.status_code == 422
    assert "必须属于一个单位" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "x@example.cn")) is None


def test_deactivation_ends_sessions_and_tokens_at_once(app, client, login_as, users):
    victim = users["supporter"]
    other = app.test_client()
    login(other, victim.email)
    token = identity.create_token(victim)
    db.session.commit()
    login_as("admin")
    response = _confirm(client, f"/admin/users/{victim.id}/deactivate")
    assert response.status_code == 302
    assert other.get("/home").status_code == 302
    db.session.expire_all()
    assert identity.user_for_token(token) is None
    assert login(other, victim.email).status_code == 401
    assert _events("user.deactivate")[0].user_id == users["admin"].id

    _confirm(client, f"/admin/users/{victim.id}/reactivate")
    assert login(other, victim.email).status_code == 302
    db.session.expire_all()
    assert identity.user_for_token(token) is None  # tokens stay dead


def test_get_does_not_act(client, login_as, users):
    login_as("admin")
    client.get(f"/admin/users/{users['supporter'].id}/deactivate")
    db.session.expire_all()
    assert db.session.get(User, users["supporter"].id).active


def test_admin_cannot_deactivate_themself(client, login_as, users):
    admin = login_as("admin")
    _confirm(client, f"/admin/users/{admin.id}/deactivate")
    db.session.expire_all()
    assert db.session.get(User, admin.id).active
    assert client.get("/home").status_code == 200


def test_unlock(client, login_as, users):
    users["recipient"].locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    login_as("admin")
    _confirm(client, f"/admin/users/{users['recipient'].id}/unlock")
    db.session.expire_all()
    assert not db.session.get(User, users["recipient"].id).is_locked()
    assert len(_events("user.unlock")) == 1


def test_reset_password(app, client, login_as, users):
    victim = users["recipient"]
    other = app.test_client()
    login(other, victim.email)
    login_as("admin")
    response = _confirm(client, f"/admin/users/{victim.id}/reset_password")
    password = _password_from(response.get_data(as_text=True))
    assert other.get("/home").status_code == 302
    assert login(other, victim.email).status_code == 401  # the old password is gone
    assert login(other, victim.email, password).status_code == 302
    assert other.get("/home").headers["Location"].endswith("/profile")
    assert len(_events("user.password_reset")) == 1


def test_revoke_tokens_and_end_sessions(app, client, login_as, users):
    victim = users["coordinator"]
    other = app.test_client()
    login(other, victim.email)
    token = identity.create_token(victim)
    db.session.commit()
    login_as("admin")
    _confirm(client, f"/admin/users/{victim.id}/revoke_tokens")
    db.session.expire_all()
    assert identity.user_for_token(token) is None
    assert other.get("/home").status_code == 200
    _confirm(client, f"/admin/users/{victim.id}/end_sessions")
    assert other.get("/home").status_code == 302
    assert len(_events("user.tokens_revoke")) == len(_events("user.sessions_end")) == 1


def test_expired_token_is_refused(ctx, users):
    token = identity.create_token(users["recipient"], days=1)
    db.session.commit()
    assert identity.user_for_token(token) is not None
    row = db.session.scalar(select(ApiToken))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert identity.user_for_token(token) is None


def test_password_change_revokes_tokens(client, login_as, post_form, users):
    token = identity.create_token(users["recipient"])
    db.session.commit()
    login_as("recipient")
    post_form("/profile/password", {"old_password": factories.PASSWORD,
                                    "new_password": "New-Pass-99", "confirm": "New-Pass-99"})
    db.session.expire_all()
    assert identity.user_for_token(token) is None
