"""Role × route matrix for the trust and safety pages (organisations, screening, audit).

``ROUTES`` has the format of tests/web/test_permissions.py, which collects it for the
every-route check; the matrix itself runs here.
"""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models import BlacklistEntry, ScreeningHit
from tests import factories

ALL = ("recipient", "supporter", "coordinator", "admin")
STAFF = ("coordinator", "admin")
ADMIN = ("admin",)
PUBLIC = "public"
OWN_ORG = {"recipient": 200, "supporter": 403, "coordinator": 200, "admin": 200}

# (endpoint, method, path or callable, roles allowed, form data, changes reference data)
ROUTES = [
    ("orgs.register", "GET", "/register", PUBLIC, None, False),
    ("orgs.register", "POST", "/register", PUBLIC, {"name": ""}, False),
    ("orgs.index", "GET", "/orgs?status=pending&kind=social_org&q=x&page=2", STAFF, None, False),
    ("orgs.detail", "GET", lambda o: f"/orgs/{o['org']}", OWN_ORG, None, False),
    ("orgs.change_status", "POST", lambda o: f"/orgs/{o['org']}/status", STAFF,
     {"status": "suspended", "reason": "核查", "password": factories.PASSWORD}, False),
    ("orgs.create", "GET", "/orgs/new", ADMIN, None, False),
    ("orgs.create", "POST", "/orgs/new", ADMIN, {"name": ""}, False),
    ("screening.queue", "GET", "/screening", STAFF, None, False),
    ("screening.decide", "POST", lambda o: f"/screening/hits/{o['hit']}", STAFF,
     {"decision": "clear", "note": "同名不同单位"}, False),
    ("screening.list_template", "GET", "/screening/lists/template.xlsx", STAFF, None, False),
    ("screening.lists", "GET", "/screening/lists?q=x&type=banned", ADMIN, None, False),
    ("screening.lists", "POST", "/screening/lists", ADMIN, {}, False),
    ("audit.index", "GET", "/audit?action=login&from=2020-01-01&to=bad", STAFF, None, False),
    ("audit.export", "GET", "/audit/export.xlsx?user=a", STAFF, None, False),
]


@pytest.fixture()
def objs(users):
    org = users["recipient"].organisation
    entry = BlacklistEntry(name="中国测试协会", name_key="测试", list_type="banned")
    db.session.add(entry)
    db.session.flush()
    hit = ScreeningHit(organisation_id=org.id, entry_id=entry.id, kind="similar", score=0.9,
                       screened_name=org.name, detail="", status="open", note="")
    db.session.add(hit)
    db.session.commit()
    return {"org": org.id, "hit": hit.id}


@pytest.mark.parametrize(("row", "role"), [
    pytest.param(row, role, id=f"{row[1]} {row[0]} {i} as {role}")
    for i, row in enumerate(ROUTES) for role in ("anonymous", *ALL)
])
def test_permission_matrix(client, login_as, post_form, objs, row, role):
    _endpoint, method, path, allowed, data, _dirties = row
    path = path(objs) if callable(path) else path
    login_as(role)
    response = client.get(path) if method == "GET" else post_form(path, data)
    status = response.status_code
    if allowed == PUBLIC:
        assert status in (200, 302, 422)
    elif role == "anonymous":
        assert status == 302 and "/login" in response.headers["Location"]
    elif isinstance(allowed, dict):
        assert status == allowed[role]
    elif role in allowed:
        assert status not in (401, 403, 404, 500), response.get_data(as_text=True)[:500]
    else:
        assert status == 403
