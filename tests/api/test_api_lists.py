"""API v1 contract: needs and offers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Need, Offer
from tests import factories

NEED = {"title": "江孜县乡村教师培训", "sector_code": "0104", "region_code": "540222",
        "budget_yuan": 350000, "beneficiaries": 120, "start_date": "2027-03-01",
        "end_date": "2027-12-31", "description": "培训乡村教师", "contact_phone": "13812345678"}
OFFER = {"title": "基层教师能力提升", "sector_codes": ["0104"], "target_region_codes": ["540222"],
         "budget_yuan": 1000000}


def _error(response, status, code=None):
    assert response.status_code == status, response.get_json()
    payload = response.get_json()
    assert set(payload) == {"error", "message", "fields"}
    if code:
        assert payload["error"] == code
    return payload


def test_no_or_bad_token_is_401(api):
    _error(api.as_(None).get("/needs"), 401, "unauthorized")
    bad = api.client.get("/api/v1/needs", headers={"Authorization": "Bearer mm_nope"})
    _error(bad, 401)


def test_session_cookie_does_not_open_the_api(api, login_as):
    login_as("coordinator")
    _error(api.client.get("/api/v1/needs"), 401)


def test_openapi_needs_no_token_and_is_3_1(api):
    response = api.as_(None).get("/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    assert {"/needs", "/needs/{id}", "/needs/{id}/candidates", "/matches",
            "/matches/{id}/accept", "/regions", "/sectors"} <= set(doc["paths"])


def test_reference_data(api):
    regions = api.as_("supporter").get("/regions").get_json()
    assert regions["total"] == len(regions["items"]) > 250
    assert {"code": "XJBT03", "name": "第三师"}.items() <= next(
        r for r in regions["items"] if r["code"] == "XJBT03").items()
    sectors = api.as_("supporter").get("/sectors").get_json()
    assert any(s["code"] == "0104" and s["parent_code"] == "01" for s in sectors["items"])


def test_recipient_creates_a_need_published_by_default(api):
    response = api.as_("recipient").post("/needs", NEED)
    assert response.status_code == 201
    need = response.get_json()
    assert need["status"] == "published" and need["budget_yuan"] == 350000
    assert need["committed_yuan"] == 0 and need["region_code"] == "540222"
    assert "教师" in response.get_data(as_text=True)  # no \\u escaping
    for field in ("id", "title", "description", "sector_code", "region_code", "budget_yuan",
                  "committed_yuan", "beneficiaries", "start_date", "end_date", "status",
                  "organisation_id", "created_at", "updated_at"):
        assert field in need


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"budget_yuan": 0}, "budget_yuan"),
        ({"budget_yuan": "many"}, "budget_yuan"),
        ({"region_code": "653100"}, "region_code"),  # not the caller's region
        ({"sector_code": "9999"}, "sector_code"),
        ({"title": ""}, "title"),
        ({"end_date": "2020-01-01"}, "end_date"),
        ({"start_date": "2027-13-01"}, "start_date"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_need_is_422_with_fields_and_saves_nothing(api, change, field):
    payload = _error(api.as_("recipient").post("/needs", {**NEED, **change}), 422, "invalid")
    assert field in payload["fields"]
    assert db.session.scalar(select(func.count(Need.id))) == 0


def test_non_json_body_is_415(api):
    response = api.as_("recipient").call("POST", "/needs", data="title=x")
    _error(response, 415)


@pytest.mark.parametrize("role", ["supporter", "coordinator", "admin"])
def test_only_recipients_post_needs(api, role):
    _error(api.as_(role).post("/needs", NEED), 403, "forbidden")


def test_supporter_creates_an_offer(api):
    response = api.as_("supporter").post("/offers", OFFER)
    assert response.status_code == 201
    offer = response.get_json()
    assert offer["remaining_yuan"] == 1000000 and offer["sector_codes"] == ["0104"]
    _error(api.as_("recipient").post("/offers", OFFER), 403)


def test_drafts_are_404_to_others_and_listed_for_owners(api, users):
    draft = api.as_("recipient").post("/needs", {**NEED, "status": "draft"}).get_json()
    _error(api.as_("supporter").get(f"/needs/{draft['id']}"), 404, "not_found")
    assert api.as_("coordinator").get("/needs").get_json()["total"] == 0
    own = api.as_("recipient").get("/needs").get_json()
    assert own["total"] == 1 and own["items"][0]["status"] == "draft"


def test_list_filters_and_pagination(api, users):
    org = users["recipient"].organisation
    for n in range(30):
        factories.make_need(org, title=f"需求{n}", sector_code="0104" if n % 2 else "0801")
    db.session.commit()
    page = api.as_("supporter").get("/needs?per_page=500&page=1").get_json()
    assert page["per_page"] == 100 and page["total"] == 30 and len(page["items"]) == 30
    assert api.as_("supporter").get("/needs?sector_code=01").get_json()["total"] == 15
    second = api.as_("supporter").get("/needs?per_page=20&page=2").get_json()
    assert len(second["items"]) == 10 and second["page"] == 2
    assert api.as_("supporter").get("/needs?q=需求29").get_json()["total"] == 1


def test_owner_patches_and_coordinator_only_changes_status(api, users):
    need = api.as_("recipient").post("/needs", NEED).get_json()
    path = f"/needs/{need['id']}"
    patched = api.as_("recipient").patch(path, {"title": "新标题", "budget_yuan": 400000})
    assert patched.status_code == 200 and patched.get_json()["title"] == "新标题"
    _error(api.as_("coordinator").patch(path, {"title": "协调员改"}), 403)
    closed = api.as_("coordinator").patch(path, {"status": "closed"})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    _error(api.as_("coordinator").patch(path, {"status": "draft"}), 409, "conflict")
    _error(api.as_("supporter").patch(path, {"status": "published"}), 403)


def test_delete_only_drafts(api):
    published = api.as_("recipient").post("/needs", NEED).get_json()
    draft = api.as_("recipient").post("/needs", {**NEED, "status": "draft"}).get_json()
    _error(api.as_("recipient").delete(f"/needs/{published['id']}"), 409)
    _error(api.as_("supporter").delete(f"/needs/{published['id']}"), 403)
    assert api.as_("recipient").delete(f"/needs/{draft['id']}").status_code == 204
    _error(api.as_("recipient").get(f"/needs/{draft['id']}"), 404)


def test_contact_is_only_shown_to_allowed_users(api):
    need = api.as_("recipient").post("/needs", NEED).get_json()
    assert need["contact_phone"] == "13812345678"
    seen = api.as_("supporter").get(f"/needs/{need['id']}").get_json()
    assert seen["contact_phone"] is None
    assert api.as_("coordinator").get(f"/needs/{need['id']}").get_json()["contact_phone"]


def test_offer_patch_and_unknown_region(api):
    offer = api.as_("supporter").post("/offers", OFFER).get_json()
    payload = _error(api.as_("supporter").patch(f"/offers/{offer['id']}",
                                                {"target_region_codes": ["999999"]}), 422)
    assert "target_region_codes" in payload["fields"]
    ok = api.as_("supporter").patch(f"/offers/{offer['id']}", {"target_region_codes": []})
    assert ok.get_json()["target_region_codes"] == []
    assert db.session.scalar(select(func.count(Offer.id))) == 1
