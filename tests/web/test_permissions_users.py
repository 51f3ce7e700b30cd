"""Role × route matrix for the admin's user pages (/admin/users).

``ROUTES`` has the format of tests/web/test_permissions.py, which collects it for the
every-route check; the matrix itself runs here.
"""

from __future__ import annotations

import pytest

ALL = ("recipient", "supporter", "coordinator", "admin")
ADMIN = ("admin",)

# (endpoint, method, path or callable, roles allowed, form data, changes reference data)
ROUTES = [
    ("users.index", "GET", "/admin/users?q=x&status=locked&page=2", ADMIN, None, False),
    ("users.create", "GET", "/admin/users/new", ADMIN, None, False),
    ("users.create", "POST", "/admin/users/new", ADMIN, {"email": ""}, False),
    ("users.detail", "GET", lambda o: f"/admin/users/{o['user']}", ADMIN, None, False),
    ("users.act", "GET", lambda o: f"/admin/users/{o['user']}/deactivate", ADMIN, None, False),
    ("users.act", "POST", lambda o: f"/admin/users/{o['user']}/revoke_tokens", ADMIN, {},
     False),
]


@pytest.mark.parametrize(("row", "role"), [
    pytest.param(row, role, id=f"{row[1]} {row[0]} {i} as {role}")
    for i, row in enumerate(ROUTES) for role in ("anonymous", *ALL)
])
def test_permission_matrix(client, login_as, post_form, users, row, role):
    _endpoint, method, path, allowed, data, _dirties = row
    path = path({"user": users["supporter"].id}) if callable(path) else path
    login_as(role)
    response = client.get(path) if method == "GET" else post_form(path, data)
    status = response.status_code
    if role == "anonymous":
        assert status == 302 and "/login" in response.headers["Location"]
    elif role in allowed:
        assert status not in (401, 403, 404, 500), response.get_data(as_text=True)[:500]
    else:
        assert status == 403
