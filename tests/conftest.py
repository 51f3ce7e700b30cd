"""Fixtures: the app on a real database whose schema the migrations build.

SQLite (a temporary file) by default; PostgreSQL when TEST_DATABASE_URL is set.
Reference data is seeded once per session; everything else is deleted after each test.
"""

from __future__ import annotations

import os
import re
import threading

import pytest
from flask import g
from flask_migrate import upgrade
from sqlalchemy import text
from werkzeug.serving import make_server

from matchmaker.app import create_app
from matchmaker.extensions import db
from matchmaker.services.reference import seed

from . import factories

REFERENCE_TABLES = {"regions", "sectors", "pairings", "concepts", "concept_terms",
                    "alembic_version"}
ROLES = ("recipient", "supporter", "coordinator", "admin")
#: The Redis database the tests that need a real Redis use, flushing it before and after
#: (``.ci/run`` gives each concurrent pass its own).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def _reset_postgres(app) -> None:
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    # Files the app would keep on this host go to the session's own folder, never to the
    # checkout's instance/ (which a concurrent run, or the developer's app, uses).
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    if url.startswith("postgres"):
        _reset_postgres(app)

    @app.before_request
    def _fresh_g():
        # Test requests run inside the test's app context, so ``g`` outlives a request;
        # in production every request has its own. Drop what extensions cached there
        # (Flask-Login's user, Flask-WTF's CSRF token).
        for key in list(g):
            g.pop(key)

    with app.app_context():
        upgrade()
        seed.seed_all()
        db.session.commit()
    return app


def _clean(app) -> None:
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


@pytest.fixture()
def ctx(app):
    """An app context for a test, with every non-reference row deleted afterwards."""
    with app.app_context():
        yield app
        db.session.rollback()
    _clean(app)


@pytest.fixture()
def client(ctx):
    return ctx.test_client()


@pytest.fixture()
def fresh_reference(app):
    """For tests that change reference data: restore it afterwards."""
    yield
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        seed.seed_all()
        db.session.commit()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, email: str, password: str = factories.PASSWORD):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture()
def users(ctx):
    """One committed user per role; ``users['recipient']`` etc."""
    made = {role: factories.make_user(role) for role in ROLES}
    db.session.commit()
    return made


@pytest.fixture()
def login_as(client, users):
    """``login_as('coordinator')`` logs the test client in as that role's user."""

    def _login(role: str):
        if role == "anonymous":
            return None
        response = login(client, users[role].email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return users[role]

    return _login


@pytest.fixture()
def post_form(client):
    """POST a form with the CSRF token taken from ``page`` (default: the same URL)."""

    def _post(url: str, data: dict | None = None, page: str | None = None, **kw):
        response = client.get(page or "/profile")
        if response.status_code != 200:
            response = client.get("/login")
        html = response.get_data(as_text=True)
        payload = {"csrf_token": csrf_from(html), **(data or {})}
        return client.post(url, data=payload, **kw)

    return _post


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the test app (same database as the tests) on 127.0.0.1 and a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
