"""Server-side sessions: a copied cookie dies with logout, timeouts and deactivation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import UserSession
from matchmaker.services.accounts import sessions
from tests.conftest import csrf_from, login


def _copy_cookie(app, client):
    """A second client holding the same session cookie (a stolen copy)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def _logout(client):
    token = csrf_from(client.get("/profile").get_data(as_text=True))
    return client.post("/logout", data={"csrf_token": token})


def _only_session() -> UserSession:
    return db.session.scalars(select(UserSession)).one()


def test_replayed_cookie_after_logout_is_sent_to_login(app, client, login_as):
    login_as("recipient")
    thief = _copy_cookie(app, client)
    assert thief.get("/home").status_code == 200
    assert _logout(client).status_code == 302
    response = thief.get("/home")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    db.session.expire_all()
    assert _only_session().end_reason == "logout"


def test_cookie_carries_a_token_not_the_user_id(client, login_as, users):
    user = login_as("coordinator")
    with client.session_transaction() as session:
        token = session["_user_id"]
    assert str(user.id) not in token.split(":")
    row = _only_session()
    assert row.id == sessions.digest(token) and row.id != token  # stored hashed
    assert row.user_id == user.id and row.ended_at is None


def test_forged_user_id_cookie_is_refused(app, client, users):
    with client.session_transaction() as session:
        session["_user_id"] = f"{users['admin'].id}:1"  # the old cookie format
    assert client.get("/home").status_code == 302


def test_idle_session_ends(client, login_as):
    login_as("supporter")
    row = _only_session()
    row.last_seen_at -= timedelta(minutes=31)
    db.session.commit()
    assert client.get("/home").status_code == 302
    db.session.expire_all()
    assert _only_session().end_reason == "idle"


def test_absolute_lifetime_ends_an_active_session(app, client, login_as):
    login_as("supporter")
    row = _only_session()
    row.created_at -= timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], minutes=1)
    db.session.commit()  # last_seen_at is recent: only the absolute limit applies
    assert client.get("/home").status_code == 302
    db.session.expire_all()
    assert _only_session().end_reason == "expired"


def test_last_seen_is_written_at_most_once_a_minute(client, login_as):
    login_as("supporter")
    row = _only_session()
    first = row.last_seen_at
    client.get("/home")
    db.session.expire_all()
    assert _only_session().last_seen_at == first  # no write per request
    row = _only_session()
    row.last_seen_at -= timedelta(minutes=2)
    db.session.commit()
    client.get("/home")
    db.session.expire_all()
    assert _only_session().last_seen_at > first - timedelta(seconds=1)


def test_deactivated_user_is_signed_out_at_once(client, login_as, users):
    login_as("recipient")
    users["recipient"].active = False
    db.session.commit()
    assert client.get("/home").status_code == 302


def test_two_logins_are_two_sessions_and_logout_ends_one(app, client, login_as, users):
    login_as("recipient")
    other = app.test_client()
    login(other, users["recipient"].email)
    _logout(client)
    assert other.get("/home").status_code == 200


def test_signed_in_pages_are_not_cached(client, login_as):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login_as("recipient")
    assert client.get("/home").headers["Cache-Control"] == "no-store"


def test_exports_are_not_cached(client, login_as):
    login_as("coordinator")
    response = client.get("/audit/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
