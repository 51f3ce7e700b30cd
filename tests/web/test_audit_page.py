"""The audit log page: filters, pagination, export (itself audited), read-only."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent
from matchmaker.services.platform import audit


def _seed(users):
    org = users["recipient"].organisation
    for i in range(60):
        audit.record("need.status", user=users["recipient"], entity=org,
                     changes={"status": ["draft", f"published{i}"]})
    audit.record("organisation.status", user=users["coordinator"], entity=org,
                 organisation_id=org.id, changes={"status": ["pending", "verified"]})
    old = audit.record("user.unlock", user=users["admin"])
    old.created_at = datetime(2020, 1, 15, 10, 0)
    db.session.commit()
    return org


def test_filters_and_pagination(client, login_as, users):
    org = _seed(users)
    login_as("coordinator")
    html = client.get("/audit?action=need.status").get_data(as_text=True)
    assert "共 60 条" in html and "第 1 / 2 页" in html
    assert "published59" in html and "published0<" not in html
    html = client.get("/audit?action=need.status&page=2").get_data(as_text=True)
    assert "published0" in html
    html = client.get(f"/audit?organisation={org.id}&action=organisation").get_data(as_text=True)
    assert "pending → verified" in html and "共 1 条" in html
    html = client.get(f"/audit?user={users['admin'].email}").get_data(as_text=True)
    assert "user.unlock" in html or "共 1 条" in html
    html = client.get("/audit?from=2020-01-01&to=2020-01-31").get_data(as_text=True)
    assert "共 1 条" in html and "2020-01-15 10:00:00" in html
    html = client.get("/audit?entity=Organisation&entity_id=" + str(org.id)) \
        .get_data(as_text=True)
    assert "共 61 条" in html


def test_bad_filters_are_ignored_not_errors(client, login_as, users):
    _seed(users)
    login_as("admin")
    for query in ("from=yesterday&to=2020-99-99", "organisation=abc", "page=-3",
                  "result=<script>", "entity_id=" + "9" * 500, "page=99999"):
        assert client.get(f"/audit?{query}").status_code == 200, query


def test_export_is_filtered_and_audited(client, login_as, users):
    _seed(users)
    login_as("coordinator")
    response = client.get("/audit/export.xlsx?action=organisation.status")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "时间（UTC）" and len(rows) == 2
    assert rows[1][3] == "organisation.status" and "pending → verified" in rows[1][8]
    export = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.export"))
    assert export.user_id == users["coordinator"].id
    assert export.changes["filters"] == {"action": "organisation.status"}
    assert export.changes["rows"] == 1


def test_no_route_edits_or_deletes_audit_events(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("audit."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}


def test_denied_for_org_users(client, login_as, users):
    login_as("supporter")
    assert client.get("/audit").status_code == 403
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "permission.denied")) == 1
