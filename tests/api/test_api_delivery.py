"""API v1: completion figures within limits, bodyless match actions, the offer side's
confirmation or dispute, a coordinator's correction and amount change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.models import Match
from matchmaker.services.matching.figures import beijing_today
from tests import factories

from .test_api_lists import _error


@pytest.fixture()
def accepted(api, users):
    """The path of an accepted 10,000-yuan match."""
    need = factories.make_need(users["recipient"].organisation, budget_yuan=50_000)
    offer = factories.make_offer(users["supporter"].organisation, budget_yuan=80_000)
    db.session.commit()
    match = api.as_("coordinator").post("/matches", {
        "need_id": need.id, "offer_id": offer.id, "status": "confirmed",
        "amount_yuan": 10_000}).get_json()
    path = f"/matches/{match['id']}"
    for role in ("recipient", "supporter"):
        assert api.as_(role).call("POST", f"{path}/accept").status_code == 200
    return path


def test_delivered_above_the_amount_is_422(api, accepted):
    """Regression: 10¹³ delivered on a 10,000-yuan match answered 200."""
    payload = _error(api.as_("recipient").post(f"{accepted}/complete", {
        "completed_on": beijing_today().isoformat(), "delivered_yuan": 10**13}), 422)
    assert "delivered_yuan" in payload["fields"]
    assert api.as_("recipient").get(accepted).get_json()["status"] == "accepted"


@pytest.mark.parametrize("day", ["2030-01-01", "2020-01-01", "tomorrow"])
def test_completion_date_out_of_range_is_422(api, accepted, day):
    """Regression: a completion date of 2030 answered 200 (and made a 2030 表彰 year)."""
    if day == "tomorrow":
        day = (beijing_today() + timedelta(days=1)).isoformat()
    payload = _error(api.as_("recipient").post(f"{accepted}/complete", {
        "completed_on": day, "delivered_yuan": 1}), 422)
    assert "completed_on" in payload["fields"]


def test_bodyless_complete_means_today_and_the_whole_amount(api, accepted):
    """Regression: a POST without a body (no Content-Type) answered 415."""
    response = api.as_("recipient").call("POST", f"{accepted}/complete")
    assert response.status_code == 200, response.get_json()
    done = response.get_json()
    assert done["status"] == "completed" and done["delivery_status"] == "pending"
    assert (done["completed_on"], done["delivered_yuan"]) == (beijing_today().isoformat(),
                                                             10_000)


def test_partial_body_takes_defaults_for_the_rest(api, accepted):
    done = api.as_("recipient").post(f"{accepted}/complete", {"delivered_yuan": 8_000})
    assert done.status_code == 200
    assert done.get_json()["completed_on"] == beijing_today().isoformat()


def test_bodyless_decline_and_cancel(api, accepted, users):
    need = factories.make_need(users["recipient"].organisation, budget_yuan=5_000)
    offer = factories.make_offer(users["supporter"].organisation, budget_yuan=5_000)
    db.session.commit()
    for action, role in (("decline", "supporter"), ("cancel", "coordinator")):
        match = api.as_("coordinator").post("/matches", {
            "need_id": need.id, "offer_id": offer.id, "status": "confirmed",
            "amount_yuan": 1_000}).get_json()
        response = api.as_(role).call("POST", f"/matches/{match['id']}/{action}")
        assert response.status_code == 200, response.get_json()


def test_offer_side_confirms_the_figures(api, accepted):
    api.as_("recipient").call("POST", f"{accepted}/complete")
    _error(api.as_("recipient").call("POST", f"{accepted}/confirm-delivery"), 403)
    confirmed = api.as_("supporter").call("POST", f"{accepted}/confirm-delivery")
    assert confirmed.status_code == 200
    assert confirmed.get_json()["delivery_status"] == "confirmed"
    _error(api.as_("supporter").post(f"{accepted}/dispute-delivery", {"note": "晚了"}), 409)


def test_dispute_then_coordinator_corrects(api, accepted):
    api.as_("recipient").post(f"{accepted}/complete", {"delivered_yuan": 10_000})
    payload = _error(api.as_("supporter").post(f"{accepted}/dispute-delivery", {}), 422)
    assert "note" in payload["fields"]
    disputed = api.as_("supporter").post(f"{accepted}/dispute-delivery",
                                         {"note": "实际到位 6000 元"}).get_json()
    assert disputed["delivery_status"] == "disputed"
    assert disputed["dispute_note"] == "实际到位 6000 元"
    today = beijing_today().isoformat()
    _error(api.as_("supporter").post(f"{accepted}/correct", {
        "completed_on": today, "delivered_yuan": 6_000, "reason": "核实"}), 403)
    payload = _error(api.as_("coordinator").post(f"{accepted}/correct", {
        "completed_on": "2030-01-01", "delivered_yuan": 6_000, "reason": "核实"}), 422)
    assert "completed_on" in payload["fields"]
    fixed = api.as_("coordinator").post(f"{accepted}/correct", {
        "completed_on": today, "delivered_yuan": 6_000, "reason": "与双方核实"})
    assert fixed.status_code == 200
    assert (fixed.get_json()["delivered_yuan"], fixed.get_json()["delivery_status"]) == (
        6_000, "confirmed")


def test_coordinator_raises_the_amount_then_more_is_delivered(api, accepted):
    _error(api.as_("recipient").patch(accepted, {"amount_yuan": 20_000}), 403)
    _error(api.as_("coordinator").patch(accepted, {"amount_yuan": 60_000}), 409)  # need: 50,000
    payload = _error(api.as_("coordinator").patch(accepted, {"amount_yuan": 0}), 422)
    assert "amount_yuan" in payload["fields"]
    raised = api.as_("coordinator").patch(accepted, {"amount_yuan": 30_000})
    assert raised.status_code == 200 and raised.get_json()["amount_yuan"] == 30_000
    done = api.as_("recipient").post(f"{accepted}/complete", {"delivered_yuan": 25_000})
    assert done.status_code == 200
    match = db.session.get(Match, done.get_json()["id"])
    db.session.refresh(match)
    assert match.offer.committed_yuan == 30_000


def test_openapi_says_the_action_bodies_are_optional(api):
    paths = api.client.get("/api/v1/openapi.json").get_json()["paths"]
    for action in ("complete", "decline", "cancel"):
        assert paths[f"/matches/{{id}}/{action}"]["post"]["requestBody"]["required"] is False
    assert "requestBody" not in paths["/matches/{id}/accept"]["post"]
    assert paths["/matches/{id}/correct"]["post"]["requestBody"]["required"] is True
    assert "patch" in paths["/matches/{id}"]
