"""API v1: 申请对接 — ask, list, decline; 确认 through POST /matches marks it done."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.services.accounts import identity
from tests import factories


def _pair(users):
    need = factories.make_need(users["recipient"].organisation, budget_yuan=500_000)
    offer = factories.make_offer(users["supporter"].organisation, budget_yuan=800_000)
    db.session.commit()
    return need.id, offer.id


def test_a_side_asks_once_and_the_coordinator_confirms(api, users):
    need_id, offer_id = _pair(users)
    asked = api.as_("supporter").post("/match-requests", {
        "need_id": need_id, "offer_id": offer_id, "note": "已初步沟通"})
    assert asked.status_code == 201, asked.get_json()
    body = asked.get_json()
    assert (body["side"], body["status"], body["note"]) == ("offer", "open", "已初步沟通")
    assert body["requested_by"] == users["supporter"].display_name
    assert body["created_at"].endswith("Z") and body["decided_at"] is None
    again = api.as_("recipient").post("/match-requests", {"need_id": need_id,
                                                          "offer_id": offer_id})
    assert again.status_code == 409 and "已申请对接" in again.get_json()["message"]
    listed = api.as_("coordinator").get("/match-requests?status=open").get_json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]
    assert api.as_("recipient").get("/match-requests").get_json()["total"] == 1
    confirmed = api.as_("coordinator").post("/matches", {
        "need_id": need_id, "offer_id": offer_id, "status": "confirmed",
        "amount_yuan": 100_000})
    assert confirmed.status_code == 201
    done = api.as_("supporter").get("/match-requests").get_json()["items"][0]
    assert (done["status"], done["match_id"]) == ("done", confirmed.get_json()["id"])


def test_other_organisations_neither_ask_nor_see(api, users, client):
    need_id, offer_id = _pair(users)
    api.as_("supporter").post("/match-requests", {"need_id": need_id, "offer_id": offer_id})
    other = factories.make_user("supporter")
    db.session.commit()
    token = identity.create_token(other, "t")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    refused = client.post("/api/v1/match-requests", headers=headers,
                          json={"need_id": need_id, "offer_id": offer_id})
    assert refused.status_code == 403
    assert client.get("/api/v1/match-requests", headers=headers).get_json()["total"] == 0


def test_decline_needs_a_reason(api, users):
    need_id, offer_id = _pair(users)
    req = api.as_("recipient").post("/match-requests", {"need_id": need_id,
                                                        "offer_id": offer_id}).get_json()
    path = f"/match-requests/{req['id']}/decline"
    assert api.as_("coordinator").post(path, {"reason": ""}).status_code == 422
    assert api.as_("recipient").post(path, {"reason": "不要"}).status_code == 403
    declined = api.as_("coordinator").post(path, {"reason": "资金已另有安排"})
    assert declined.status_code == 200
    body = declined.get_json()
    assert (body["status"], body["reason"]) == ("declined", "资金已另有安排")
    assert body["decided_at"].endswith("Z")
    assert api.as_("coordinator").post(path, {"reason": "再次"}).status_code == 409
