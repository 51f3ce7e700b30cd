"""Role × route matrix for the dashboard pages and exports (format of test_permissions.py)."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker.extensions import db
from matchmaker.models import Match
from tests import factories
from tests.dashboard_helpers import make_match

ALL = ("recipient", "supporter", "coordinator", "admin")
STAFF = ("coordinator", "admin")


def _certificate(objs) -> str:
    """Complete the fixture's match so its offer's organisation has a certificate."""
    match = db.session.get(Match, objs["match"])
    match.status, match.completed_on, match.delivered_yuan = "completed", date(2026, 5, 1), 1000
    match.delivery_status = "confirmed"
    db.session.commit()
    return f"/dashboard/honours/{match.offer.organisation_id}?year=2026"


# (endpoint, method, path or callable, roles allowed, form data, changes reference data)
ROUTES = [
    ("dashboard.overview", "GET", "/dashboard/", STAFF, None, False),
    ("dashboard.overview", "GET", "/dashboard/?province=540000&from=2020-01-01", STAFF, None,
     False),
    ("dashboard.gap_analysis", "GET", "/dashboard/gaps", STAFF, None, False),
    ("dashboard.gap_map", "GET", "/dashboard/map", STAFF, None, False),
    ("dashboard.table", "GET", "/dashboard/table/province.csv", STAFF, None, False),
    ("dashboard.table", "GET", "/dashboard/table/gaps.xlsx", STAFF, None, False),
    ("dashboard.table", "GET", "/dashboard/table/honours.csv", ALL, None, False),
    ("dashboard.report", "GET", "/dashboard/report.xlsx", STAFF, None, False),
    ("dashboard.hxl", "GET", "/dashboard/3w.csv", STAFF, None, False),
    ("dashboard.iati_xml", "GET", "/dashboard/iati.xml", STAFF, None, False),
    ("dashboard.honour_list", "GET", "/dashboard/honours", ALL, None, False),
    ("dashboard.certificate", "GET", _certificate, ALL, None, False),
]


@pytest.fixture()
def objs(users):
    need = factories.make_need(users["recipient"].organisation)
    offer = factories.make_offer(users["supporter"].organisation)
    match = make_match(need, offer, "confirmed", 1000)
    db.session.commit()
    return {"need": need.id, "offer": offer.id, "match": match.id}


@pytest.mark.parametrize(("row", "role"), [
    pytest.param(row, role, id=f"{row[0]} {row[2] if isinstance(row[2], str) else 'cert'} "
                 f"as {role}")
    for row in ROUTES for role in ("anonymous", *ALL)
])
def test_permission_matrix(client, login_as, objs, row, role):
    endpoint, method, path, allowed, _data, _dirties = row
    path = path(objs) if callable(path) else path
    login_as(role)
    status = client.get(path).status_code
    if role == "anonymous":
        assert status == 302
    elif role in allowed:
        assert status == 200
    else:
        assert status == 403


def test_every_dashboard_endpoint_is_in_the_matrix(app):
    covered = {row[0] for row in ROUTES}
    endpoints = {r.endpoint for r in app.url_map.iter_rules()
                 if r.endpoint.startswith("dashboard.")}
    assert endpoints == covered
