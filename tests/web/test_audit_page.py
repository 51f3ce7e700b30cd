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
    assert "状态：待审核 → 已审核" in html and "共 1 条" in html
    html = client.get(f"/audit?user={users['admin'].email}").get_data(as_text=True)
    assert "账户解锁" in html and "共 1 条" in html
    html = client.get("/audit?from=2020-01-01&to=2020-01-31").get_data(as_text=True)
    assert "共 1 条" in html and "2020-01-15 18:00:00" in html  # 10:00 UTC, Beijing time
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
    assert rows[0][0] == "时间（北京时间）" and len(rows) == 2
    assert rows[1][3] == "变更单位状态" and "状态：待审核 → 已审核" in rows[1][8]
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


def test_date_filter_takes_beijing_days(client, login_as, users):
    """An event at 2020-01-31 17:00 UTC happened on 1 February in Beijing."""
    event = audit.record("user.unlock", user=users["admin"])
    event.created_at = datetime(2020, 1, 31, 17, 0)
    db.session.commit()
    login_as("admin")
    html = client.get("/audit?from=2020-02-01&to=2020-02-01").get_data(as_text=True)
    assert "共 1 条" in html and "2020-02-01 01:00:00" in html
    assert "共 0 条" in client.get("/audit?from=2020-01-31&to=2020-01-31").get_data(as_text=True)


def test_changes_are_shown_in_words(client, login_as, users):
    """No raw field names, yuan, codes, Python lists or dicts, English roles or actions."""
    audit.record("need.create", user=users["recipient"], entity=users["recipient"].organisation,
                 changes={"budget_yuan": [None, 800000], "sector_code": [None, "01"],
                          "status": [None, "published"]})
    audit.record("offer.create", user=users["supporter"],
                 changes={"sector_codes": [None, ["01", "0101"]]})
    audit.record("user.create", user=users["admin"], entity=users["coordinator"],
                 changes={"email": [None, "x@example.cn"], "role": [None, "coordinator"]})
    audit.record("audit.export", user=users["admin"],
                 changes={"filters": {"organisation_id": None, "action": "need"}, "rows": 3})
    db.session.commit()
    login_as("admin")
    html = client.get("/audit").get_data(as_text=True)
    assert "资金：— → 80 万元" in html and "800000" not in html
    assert "状态：— → 已发布" in html
    assert "领域：— → 教育、学前教育" in html and "['01'" not in html
    assert "'organisation_id'" not in html and "None" not in html
    assert "角色：— → 协调员" in html and "coordinator<" not in html
    assert "录入需求" in html and "录入供给" in html and "创建用户" in html
    assert ">need.create<" not in html and "时间（UTC）" not in html
    assert "筛选条件：操作 need" in html and "行数：3" in html
    assert "单位 #" in html and "Organisation #" not in html
