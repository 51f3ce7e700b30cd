"""API v1 contract: matches, candidates, and 20 simultaneous confirmations over HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Match, Offer
from matchmaker.services.accounts import identity
from matchmaker.services.matching.figures import beijing_today
from tests import factories

from .test_api_lists import _error


def _today() -> str:
    return beijing_today().isoformat()


def _pair(users, need_budget=500_000, offer_budget=800_000):
    need = factories.make_need(users["recipient"].organisation, budget_yuan=need_budget,
                               region_code="540222", sector_code="0104")
    offer = factories.make_offer(users["supporter"].organisation, budget_yuan=offer_budget,
                                 sectors=("0104",), regions=("540222",))
    db.session.commit()
    return need.id, offer.id


def test_candidates_are_ranked_with_factors_and_reasons(api, users):
    need_id, offer_id = _pair(users)
    response = api.as_("coordinator").get(f"/needs/{need_id}/candidates?limit=5")
    assert response.status_code == 200
    body = response.get_json()
    assert body["need_id"] == need_id
    best = body["candidates"][0]
    assert best["offer_id"] == offer_id and 0 <= best["score"] <= 1
    assert {"sector", "budget", "region", "text"} <= set(best["factors"])
    assert best["reasons"] and all(isinstance(r, str) for r in best["reasons"])
    # RFC 3339 with its offset, like every time the API returns (when read from the index)
    assert body["computed_at"].endswith("Z")
    reverse = api.as_("supporter").get(f"/offers/{offer_id}/candidates").get_json()
    assert reverse["offer_id"] == offer_id and reverse["candidates"][0]["need_id"] == need_id
    assert reverse["computed_at"].endswith("Z")
    _error(api.as_("admin").get(f"/needs/{need_id}/candidates"), 403)


def test_full_lifecycle(api, users):
    need_id, offer_id = _pair(users)
    created = api.as_("coordinator").post("/matches", {
        "need_id": need_id, "offer_id": offer_id, "status": "confirmed",
        "amount_yuan": 300000, "note": "首批"})
    assert created.status_code == 201
    match = created.get_json()
    assert match["status"] == "confirmed" and 0 <= match["score"] <= 1
    assert set(match["factors"]) >= {"sector", "budget", "region", "text"}
    path = f"/matches/{match['id']}"
    offer = api.as_("supporter").get(f"/offers/{offer_id}").get_json()
    assert offer["committed_yuan"] == 300000 and offer["remaining_yuan"] == 500000

    assert api.as_("recipient").post(f"{path}/accept").get_json()["status"] == "confirmed"
    again = api.as_("recipient").post(f"{path}/accept")
    assert again.status_code == 200 and again.get_json()["status"] == "confirmed"
    assert api.as_("supporter").post(f"{path}/accept").get_json()["status"] == "accepted"
    _error(api.as_("supporter").post(f"{path}/decline"), 409)
    _error(api.as_("supporter").post(f"{path}/complete", {
        "completed_on": "2027-06-01", "delivered_yuan": 1}), 403)
    done = api.as_("recipient").post(f"{path}/complete", {
        "completed_on": _today(), "delivered_yuan": 290000, "result_text": "完成"})
    assert done.status_code == 200 and done.get_json()["status"] == "completed"
    listed = api.as_("supporter").get(f"/matches?offer_id={offer_id}").get_json()
    assert listed["total"] == 1


def test_match_errors(api, users):
    need_id, offer_id = _pair(users)
    base = {"need_id": need_id, "offer_id": offer_id, "status": "confirmed"}
    _error(api.as_("recipient").post("/matches", {**base, "amount_yuan": 1000}), 403)
    payload = _error(api.as_("coordinator").post("/matches", {**base, "need_id": 999999,
                                                               "amount_yuan": 1000}), 422)
    assert "need_id" in payload["fields"]
    _error(api.as_("coordinator").post("/matches", {**base, "amount_yuan": 900000}), 409)
    _error(api.as_("coordinator").post("/matches", {**base, "status": "maybe"}), 422)
    first = api.as_("coordinator").post("/matches", {**base, "amount_yuan": 1000}).get_json()
    _error(api.as_("coordinator").post("/matches", {**base, "amount_yuan": 1000}), 409)
    _error(api.as_("coordinator").post("/matches", {**base, "status": "rejected"}), 409)
    outsider = factories.make_user("supporter")
    db.session.commit()
    token = identity.create_token(outsider)
    db.session.commit()
    hidden = api.client.post(f"/api/v1/matches/{first['id']}/accept",
                             headers={"Authorization": f"Bearer {token}"})
    _error(hidden, 404)
    cancelled = api.as_("coordinator").post(f"/matches/{first['id']}/cancel", {"note": "重复"})
    assert cancelled.get_json()["status"] == "cancelled"
    _error(api.as_("recipient").post(f"/matches/{first['id']}/complete", {
        "completed_on": "2027-01-01", "delivered_yuan": 0}), 409)


def test_rejected_pair_leaves_the_candidates(api, users):
    need_id, offer_id = _pair(users)
    api.as_("coordinator").post("/matches", {"need_id": need_id, "offer_id": offer_id,
                                             "status": "rejected", "note": "领域不符"})
    found = api.as_("coordinator").get(f"/needs/{need_id}/candidates").get_json()
    assert offer_id not in [c["offer_id"] for c in found["candidates"]]


def test_twenty_simultaneous_confirmations_over_http(live_server, ctx, users):
    offer = factories.make_offer(users["supporter"].organisation, budget_yuan=1_000_000)
    needs = [factories.make_need(users["recipient"].organisation, budget_yuan=150_000)
             for _ in range(20)]
    db.session.commit()
    token = identity.create_token(users["coordinator"])
    db.session.commit()
    offer_id, need_ids = offer.id, [n.id for n in needs]
    statuses: list[int] = []
    barrier = threading.Barrier(20)

    def confirm(need_id: int) -> None:
        data = json.dumps({"need_id": need_id, "offer_id": offer_id, "status": "confirmed",
                           "amount_yuan": 100000}).encode()
        req = urllib.request.Request(  # noqa: S310 - the test's own localhost server
            f"{live_server}/api/v1/matches", data=data, method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        barrier.wait()
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310 - localhost
                statuses.append(resp.status)
        except urllib.error.HTTPError as exc:
            body = json.loads(exc.read())
            assert body["error"] == "conflict" and "剩余资金不足" in body["message"]
            statuses.append(exc.code)

    threads = [threading.Thread(target=confirm, args=(n,)) for n in need_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert sorted(statuses) == [201] * 10 + [409] * 10
    db.session.expire_all()
    assert db.session.get(Offer, offer_id).committed_yuan == 1_000_000
    assert db.session.scalar(select(func.sum(Match.amount_yuan)).where(
        Match.offer_id == offer_id)) == 1_000_000
