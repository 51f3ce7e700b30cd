"""The role × route permission matrix. Every route of the app has a row here."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Pairing

ALL = ("recipient", "supporter", "coordinator", "admin")
STAFF = ("coordinator", "admin")
ADMIN = ("admin",)
PUBLIC = "public"


def _pairing_id() -> int:
    return db.session.scalar(select(Pairing.id).order_by(Pairing.id))


# (endpoint, method, path or callable, roles allowed, form data, changes reference data)
ROUTES = [
    ("main.index", "GET", "/", PUBLIC, None, False),
    ("main.healthz", "GET", "/healthz", PUBLIC, None, False),
    ("auth.login", "GET", "/login", PUBLIC, None, False),
    ("main.home", "GET", "/home", ALL, None, False),
    ("auth.profile", "GET", "/profile", ALL, None, False),
    ("auth.logout", "POST", "/logout", ALL, {}, False),
    ("auth.change_password", "POST", "/profile/password", ALL, {}, False),
    ("auth.create_token", "POST", "/profile/tokens", ALL, {"name": "x"}, False),
    ("auth.revoke_token", "POST", "/profile/tokens/999999/revoke", ALL, {}, False),
    ("reference.pairings", "GET", "/reference/pairings", ALL, None, False),
    ("reference.sectors", "GET", "/reference/sectors", ALL, None, False),
    ("reference.regions", "GET", "/reference/regions", STAFF, None, False),
    ("reference.edit_pairing", "GET", lambda: f"/reference/pairings/{_pairing_id()}/edit",
     ADMIN, None, False),
    ("reference.edit_pairing", "POST", lambda: f"/reference/pairings/{_pairing_id()}/edit",
     ADMIN, {"verified": "y", "active": "y", "notes": "核实"}, True),
    ("reference.edit_region", "GET", "/reference/regions/540200/edit", ADMIN, None, False),
    ("reference.edit_region", "POST", "/reference/regions/540200/edit", ADMIN,
     {"name": "日喀则市", "verified": "y", "notes": ""}, True),
]

CASES = [
    pytest.param(row, role, id=f"{row[1]} {row[0]} as {role}")
    for row in ROUTES
    for role in ("anonymous", *ALL)
]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix(request, client, login_as, post_form, row, role):
    endpoint, method, path, allowed, data, dirties = row
    path = path() if callable(path) else path
    login_as(role)
    if method == "GET":
        response = client.get(path)
    else:
        if dirties and role in allowed:
            request.getfixturevalue("fresh_reference")
        response = post_form(path, data)
    status = response.status_code
    if allowed == PUBLIC:
        assert status in (200, 302)
    elif role == "anonymous":
        assert status == 302
        assert "/login" in response.headers["Location"]
    elif role in allowed:
        assert status not in (401, 403, 404, 500), response.get_data(as_text=True)[:500]
    else:
        assert status == 403


def test_every_route_is_in_the_matrix(app):
    covered = {row[0] for row in ROUTES} | {"static"}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - covered == set(), "add these endpoints to ROUTES"


def test_denials_are_audited(client, login_as, users):
    from matchmaker.models import AuditEvent

    login_as("recipient")
    assert client.get("/reference/regions").status_code == 403
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "permission.denied"))
    assert event.user_id == users["recipient"].id
    assert event.changes["path"] == "/reference/regions"
