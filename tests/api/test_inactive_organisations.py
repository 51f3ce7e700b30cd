"""Pending and suspended organisations read their own data and change nothing (API).

Regression for the security review: with a suspended organisation's token, PATCH of an
offer, accept, close and creating a draft all answered 200/201."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import Match, Need, Offer
from matchmaker.services.matching import lifecycle

OFFER = {"title": "新供给", "sector_codes": ["0104"], "budget_yuan": 100_000}
NEED = {"title": "新需求", "sector_code": "0104", "region_code": "540200",
        "budget_yuan": 100_000}


@pytest.fixture()
def pair(users):
    from tests import factories

    need = factories.make_need(users["recipient"].organisation)
    offer = factories.make_offer(users["supporter"].organisation)
    draft = factories.make_offer(users["supporter"].organisation, status="draft")
    db.session.commit()
    match = unit_of_work.run(lambda: lifecycle.decide(
        lifecycle.Decision(need.id, offer.id, "confirmed", 10_000), by=users["coordinator"]))
    return need, offer, draft, match


@pytest.mark.parametrize("status", ["suspended", "pending"])
def test_supporter_of_an_inactive_organisation_is_refused_every_write(api, users, pair,
                                                                      status):
    need, offer, draft, match = pair
    users["supporter"].organisation.status = status
    db.session.commit()
    supporter = api.as_("supporter")
    before = db.session.scalar(select(func.count(Offer.id)))
    assert supporter.patch(f"/offers/{offer.id}", json={"title": "改名"}).status_code == 403
    assert supporter.patch(f"/offers/{offer.id}", json={"status": "closed"}).status_code == 403
    assert supporter.post(f"/matches/{match.id}/accept", json=None).status_code == 403
    assert supporter.post(f"/matches/{match.id}/decline", json=None).status_code == 403
    assert supporter.post("/offers", json={**OFFER, "status": "draft"}).status_code == 403
    assert supporter.delete(f"/offers/{draft.id}").status_code == 403
    assert supporter.get(f"/offers/{offer.id}/candidates").status_code == 403
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).title != "改名"
    assert db.session.get(Offer, offer.id).status == "published"
    assert db.session.get(Match, match.id).offer_accepted_at is None
    assert db.session.scalar(select(func.count(Offer.id))) == before
    # Reading its own data still works.
    assert supporter.get(f"/offers/{offer.id}").status_code == 200
    assert supporter.get(f"/matches/{match.id}").status_code == 200


def test_recipient_of_a_suspended_organisation_cannot_accept_or_post(api, users, pair):
    need, _offer, _draft, match = pair
    users["recipient"].organisation.status = "suspended"
    db.session.commit()
    recipient = api.as_("recipient")
    assert recipient.post(f"/matches/{match.id}/accept", json=None).status_code == 403
    assert recipient.post("/needs", json=NEED).status_code == 403
    assert recipient.patch(f"/needs/{need.id}", json={"title": "改名"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Match, match.id).need_accepted_at is None
    assert db.session.get(Need, need.id).title != "改名"


def test_web_session_of_a_suspended_organisation_is_refused_too(client, login_as, users,
                                                               pair, post_form):
    _need, offer, _draft, match = pair
    users["supporter"].organisation.status = "suspended"
    db.session.commit()
    login_as("supporter")
    assert client.get(f"/offers/{offer.id}/edit").status_code == 403
    html = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "接受对接" not in html  # no button that would only be refused
    assert post_form(f"/matches/{match.id}/accept", {}, page=f"/matches/{match.id}"
                     ).status_code == 403
    db.session.expire_all()
    assert db.session.get(Match, match.id).offer_accepted_at is None


def test_api_denials_are_audit_events(api, users, pair):
    from matchmaker.models import AuditEvent

    _need, offer, _draft, _match = pair
    response = api.as_("recipient").patch(f"/offers/{offer.id}", json={"title": "改名"})
    assert response.status_code == 403
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "permission.denied").order_by(AuditEvent.id.desc())).first()
    assert event is not None and event.user_id == users["recipient"].id
    assert event.changes["path"] == f"/api/v1/offers/{offer.id}"
