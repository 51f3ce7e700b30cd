"""The API's role × endpoint matrix: 401 without a token, then what each role gets."""

from __future__ import annotations

import pytest

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.services.matching import lifecycle
from tests import factories

R, S, C, A = "recipient", "supporter", "coordinator", "admin"
NEED = {"title": "新需求", "sector_code": "0104", "region_code": "540200", "budget_yuan": 1000}
OFFER = {"title": "新供给", "sector_codes": ["0104"], "budget_yuan": 1000}


def _expect(**statuses: int) -> dict[str, int]:
    return {R: statuses.get("r", 403), S: statuses.get("s", 403),
            C: statuses.get("c", 403), A: statuses.get("a", 403)}


ALL_OK = _expect(r=200, s=200, c=200, a=200)
# (endpoint, method, path with {need}/{offer}/{draft}/{match}, body, expected status per role)
ROUTES = [
    ("api.openapi", "GET", "/openapi.json", None, "public"),
    ("api_docs.docs", "GET", "/api/docs", None, "public"),
    ("api.unknown", "GET", "/needs/abc", None, _expect(r=404, s=404, c=404, a=404)),
    ("api.get_regions_list", "GET", "/regions", None, ALL_OK),
    ("api.get_sectors_list", "GET", "/sectors", None, ALL_OK),
    ("api.get_needs_list", "GET", "/needs", None, ALL_OK),
    ("api.get_needs_get", "GET", "/needs/{need}", None, ALL_OK),
    ("api.get_needs_get", "GET", "/needs/{draft}", None, _expect(r=200, s=404, c=404, a=404)),
    ("api.post_needs_create", "POST", "/needs", NEED, _expect(r=201)),
    ("api.patch_needs_patch", "PATCH", "/needs/{need}", {"title": "改"}, _expect(r=200)),
    ("api.patch_needs_patch", "PATCH", "/needs/{need}", {"status": "closed"},
     _expect(r=200, c=200)),
    ("api.delete_needs_delete", "DELETE", "/needs/{draft}", None,
     _expect(r=204, s=404, c=404, a=404)),
    ("api.get_needs_candidates", "GET", "/needs/{need}/candidates", None, _expect(r=200, c=200)),
    ("api.get_offers_list", "GET", "/offers", None, ALL_OK),
    ("api.get_offers_get", "GET", "/offers/{offer}", None, ALL_OK),
    ("api.post_offers_create", "POST", "/offers", OFFER, _expect(s=201)),
    ("api.patch_offers_patch", "PATCH", "/offers/{offer}", {"title": "改"}, _expect(s=200)),
    ("api.delete_offers_delete", "DELETE", "/offers/{offer}", None, _expect(s=409)),
    ("api.get_offers_candidates", "GET", "/offers/{offer}/candidates", None,
     _expect(s=200, c=200)),
    ("api.get_matches_list", "GET", "/matches", None, ALL_OK),
    ("api.get_matches_get", "GET", "/matches/{match}", None, ALL_OK),
    ("api.post_matches_create", "POST", "/matches",
     {"need_id": "{need}", "offer_id": "{offer2}", "status": "rejected"}, _expect(c=201)),
    ("api.post_matches_accept", "POST", "/matches/{match}/accept", None, _expect(r=200, s=200)),
    ("api.post_matches_decline", "POST", "/matches/{match}/decline", {}, _expect(r=200, s=200)),
    ("api.post_matches_complete", "POST", "/matches/{match}/complete",
     {"completed_on": "2027-01-01", "delivered_yuan": 1}, _expect(r=409)),
    ("api.post_matches_cancel", "POST", "/matches/{match}/cancel", {}, _expect(c=200)),
    ("api.patch_matches_patch", "PATCH", "/matches/{match}", {"amount_yuan": 1500},
     _expect(c=200)),
    ("api.post_matches_confirm_delivery", "POST", "/matches/{match}/confirm-delivery", None,
     _expect(s=409)),
    ("api.post_matches_dispute_delivery", "POST", "/matches/{match}/dispute-delivery",
     {"note": "金额不符"}, _expect(s=409)),
    ("api.post_matches_correct", "POST", "/matches/{match}/correct",
     {"completed_on": "2026-01-01", "delivered_yuan": 1, "reason": "核实"}, _expect(c=409)),
]


@pytest.fixture()
def objs(users):
    r_org, s_org = users[R].organisation, users[S].organisation
    need = factories.make_need(r_org, region_code="540200")
    offer = factories.make_offer(s_org)
    made = {"need": need.id, "offer": offer.id, "offer2": factories.make_offer(s_org).id,
            "draft": factories.make_need(r_org, status="draft").id}
    db.session.commit()
    match = unit_of_work.run(lambda: lifecycle.decide(
        lifecycle.Decision(need.id, offer.id, "confirmed", 1000), by=users[C]))
    made["match"] = match.id
    return made


def _fill(value, objs):
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in objs:
            return objs[value[1:-1]]  # a whole placeholder is an id
        for key, ident in objs.items():
            value = value.replace("{" + key + "}", str(ident))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, objs) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    ("row", "role"),
    [pytest.param(row, role, id=f"{row[1]} {row[0]} as {role}")
     for row in ROUTES for role in (None, R, S, C, A)],
)
def test_api_permission_matrix(api, objs, row, role):
    endpoint, method, path, body, expected = row
    path, body = _fill(path, objs), _fill(body, objs)
    if endpoint == "api_docs.docs":
        response = api.client.get(path)
        assert response.status_code == 200
        return
    response = api.as_(role).call(method, path, json=body)
    if expected == "public":
        assert response.status_code == 200
    elif role is None:
        assert response.status_code == 401
    else:
        assert response.status_code == expected[role], response.get_json()
