"""Strict request types and query numbers: the API takes what its OpenAPI document states."""

from __future__ import annotations

import pytest

from matchmaker.api.openapi import document

NEED = {"title": "江孜县教师培训", "sector_code": "0104", "region_code": "540200",
        "budget_yuan": 300_000}


@pytest.mark.parametrize("value", ["100", True, 1.5, None])
def test_match_amount_is_a_json_integer_not_a_string_or_boolean(api, value):
    response = api.as_("coordinator").post("/matches", json={
        "need_id": 1, "offer_id": 1, "status": "confirmed", "amount_yuan": value})
    assert response.status_code == 422
    assert "amount_yuan" in response.get_json()["fields"]


@pytest.mark.parametrize("field,value", [("budget_yuan", "300000"), ("budget_yuan", True),
                                         ("beneficiaries", "12"), ("sector_code", 104),
                                         ("region_code", "日喀则市"), ("contact_phone", "12")])
def test_need_fields_have_strict_types_and_formats(api, field, value):
    response = api.as_("recipient").post("/needs", json={**NEED, field: value})
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_whole_floats_are_integers_as_json_schema_says(api):
    response = api.as_("recipient").post("/needs", json={**NEED, "budget_yuan": 300000.0})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["budget_yuan"] == 300_000


@pytest.mark.parametrize("query", ["per_page=null", "per_page=", "page=0", "page=²",
                                   "page=100000000000000000000", "status=bogus"])
def test_bad_list_arguments_are_422_with_fields(api, query):
    response = api.as_("supporter").get(f"/needs?{query}")
    assert response.status_code == 422
    assert response.get_json()["fields"]


@pytest.mark.parametrize("query", ["need_id=100000000000000000000000", "need_id=abc",
                                   "status=open"])
def test_bad_match_filters_are_422(api, query):
    assert api.as_("coordinator").get(f"/matches?{query}").status_code == 422


def test_large_page_size_is_still_clamped(api):
    assert api.as_("supporter").get("/needs?per_page=500").get_json()["per_page"] == 100


def test_document_states_patterns_enums_and_422(api):
    doc = document()
    need = doc["components"]["schemas"]["NeedCreate"]["properties"]
    assert need["sector_code"]["pattern"] and need["region_code"]["pattern"]
    assert need["contact_phone"]["pattern"]
    listing = doc["paths"]["/needs"]["get"]
    params = {p["name"]: p["schema"] for p in listing["parameters"]}
    assert params["status"]["enum"] == ["draft", "published", "closed"]
    assert params["per_page"]["minimum"] == 1 and "422" in listing["responses"]
    assert "422" in doc["paths"]["/needs/{id}/candidates"]["get"]["responses"]
    assert doc["paths"]["/matches/{id}/cancel"]["post"]["requestBody"]["required"] is False


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PUT"])
def test_405_names_the_allowed_methods(api, method):
    response = api.as_("supporter").call(method, "/needs")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert response.get_json()["error"] == "method_not_allowed"


def test_options_lists_exactly_the_documented_methods(api):
    response = api.as_("supporter").call("OPTIONS", "/needs/1")
    assert response.headers["Allow"] == "GET, PATCH, DELETE, OPTIONS"
