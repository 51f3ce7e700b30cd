"""Profile: password change ends other sessions; API tokens."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import ApiToken
from matchmaker.services.accounts import identity
from tests import factories
from tests.conftest import login


def test_password_change_enforces_rules(client, login_as, post_form):
    login_as("recipient")
    response = post_form("/profile/password", {
        "old_password": factories.PASSWORD, "new_password": "simple", "confirm": "simple"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "密码至少 8 位" in html


def test_wrong_old_password_is_refused(client, login_as, post_form):
    login_as("recipient")
    response = post_form("/profile/password", {
        "old_password": "Nope-1234", "new_password": "New-Pass-99", "confirm": "New-Pass-99"})
    assert response.status_code == 422
    assert "原密码不正确" in response.get_data(as_text=True)


def test_password_change_ends_other_sessions(app, client, login_as, post_form, users):
    other = app.test_client()
    login(other, users["supporter"].email)
    assert other.get("/home").status_code == 200

    login_as("supporter")
    response = post_form("/profile/password", {
        "old_password": factories.PASSWORD, "new_password": "New-Pass-99",
        "confirm": "New-Pass-99"})
    assert response.status_code == 302
    assert client.get("/home").status_code == 200  # this session lives on
    assert other.get("/home").status_code == 302  # the other one ended
    assert login(other, users["supporter"].email, "New-Pass-99").status_code == 302


def test_token_is_shown_once_and_stored_hashed(client, login_as, post_form, users):
    login_as("supporter")
    response = post_form("/profile/tokens", {"name": "本单位系统"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    token = html.split('data-testid="new-token">')[1].split("<")[0]
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == users["supporter"].id))
    assert row.token_hash != token and token not in row.token_hash
    assert identity.user_for_token(token).id == users["supporter"].id
    assert token not in client.get("/profile").get_data(as_text=True)


def test_revoked_token_no_longer_works(client, login_as, post_form, users):
    login_as("recipient")
    token = identity.create_token(users["recipient"], "x")
    db.session.commit()
    row = db.session.scalar(select(ApiToken))
    response = post_form(f"/profile/tokens/{row.id}/revoke")
    assert response.status_code == 302
    db.session.expire_all()
    assert identity.user_for_token(token) is None


def test_cannot_revoke_someone_elses_token(client, login_as, post_form, users):
    token = identity.create_token(users["admin"], "x")
    db.session.commit()
    row = db.session.scalar(select(ApiToken))
    login_as("recipient")
    post_form(f"/profile/tokens/{row.id}/revoke")
    db.session.expire_all()
    assert identity.user_for_token(token) is not None
