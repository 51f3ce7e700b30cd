"""Role × route matrix for the sheet import/export pages.

``ROUTES`` has the format of tests/web/test_permissions.py (merge it there). The preview,
confirm and error-report pages need an upload owned by the logged-in user, so they have
their own matrix (``TOKEN_ROUTES``) below.
"""

from __future__ import annotations

import pytest

from matchmaker.services.sheets import uploads, workbooks
from tests.sheet_helpers import need_row, offer_row, xlsx

ALL = ("recipient", "supporter", "coordinator", "admin")
NEEDS = ("recipient", "coordinator", "admin")
OFFERS = ("supporter", "coordinator", "admin")

# (endpoint, method, path or callable, roles allowed, form data, changes reference data)
ROUTES = [
    ("sheets.upload", "GET", "/import/needs", NEEDS, None, False),
    ("sheets.upload", "GET", "/import/offers", OFFERS, None, False),
    ("sheets.upload", "POST", "/import/needs", NEEDS, {}, False),
    ("sheets.upload", "POST", "/import/offers", OFFERS, {}, False),
    ("sheets.template", "GET", "/import/needs/template.xlsx", NEEDS, None, False),
    ("sheets.template", "GET", "/import/offers/template.xlsx", OFFERS, None, False),
    ("sheets.export", "GET", "/export/needs.xlsx", ALL, None, False),
    ("sheets.export", "GET", "/export/offers.xlsx?q=x&sort=budget_desc", ALL, None, False),
]

# (endpoint, method, kind, path suffix after /import/<kind>/<token>, roles allowed)
TOKEN_ROUTES = [
    ("sheets.preview", "GET", "needs", "", NEEDS),
    ("sheets.preview", "GET", "offers", "", OFFERS),
    ("sheets.confirm", "POST", "needs", "", NEEDS),
    ("sheets.confirm", "POST", "offers", "", OFFERS),
    ("sheets.error_report", "GET", "needs", "/errors.xlsx", NEEDS),
    ("sheets.error_report", "GET", "offers", "/errors.xlsx", OFFERS),
]


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


@pytest.mark.parametrize(("row", "role"), [
    pytest.param(row, role, id=f"{row[1]} {row[0]} {row[2]} as {role}")
    for row in ROUTES for role in ("anonymous", *ALL)
])
def test_permission_matrix(client, login_as, post_form, row, role):
    endpoint, method, path, allowed, data, _dirties = row
    path = path() if callable(path) else path
    login_as(role)
    response = client.get(path) if method == "GET" else post_form(path, data)
    status = response.status_code
    if role == "anonymous":
        assert status == 302 and "/login" in response.headers["Location"]
    elif role in allowed:
        assert status not in (401, 403, 404, 500), response.get_data(as_text=True)[:500]
    else:
        assert status == 403


@pytest.mark.parametrize(("row", "role"), [
    pytest.param(row, role, id=f"{row[1]} {row[0]} {row[2]} as {role}")
    for row in TOKEN_ROUTES for role in ALL
])
def test_token_permission_matrix(ctx, client, login_as, post_form, row, role):
    endpoint, method, kind, suffix, allowed = row
    user = login_as(role)
    sample = need_row() if kind == "needs" else offer_row()
    with ctx.test_request_context():
        sheet = workbooks.read_sheet(xlsx([sample]), "a.xlsx")
        token = uploads.store(sheet, {"user_id": user.id, "kind": kind,
                                      "draft": True, "filename": "a.xlsx",
                                      "preview": {"rows": [], "headers": [],
                                                  "ignored": [], "file_errors": [],
                                                  "ok": False, "counts": {},
                                                  "error_count": 0}})
    path = f"/import/{kind}/{token}{suffix}"
    response = client.get(path) if method == "GET" else post_form(path, {})
    status = response.status_code
    if role in allowed:
        assert status not in (401, 403, 404, 500), response.get_data(as_text=True)[:500]
    else:
        assert status == 403


def test_token_routes_need_a_login(client):
    assert "/login" in client.get("/import/needs/" + "a" * 32).headers["Location"]


def test_every_sheets_endpoint_is_in_a_matrix(app):
    covered = {row[0] for row in ROUTES} | {row[0] for row in TOKEN_ROUTES}
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("sheets.")}
    assert endpoints == covered
