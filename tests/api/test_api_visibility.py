"""The API shows a need's contact to the organisation on the other side of a live match."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.models import Match
from tests import factories


def test_api_shows_contact_to_the_matched_supporter(api, users):
    need = factories.make_need(users["recipient"].organisation, contact_phone="13812345678")
    offer = factories.make_offer(users["supporter"].organisation, contact_phone="13900001111")
    db.session.commit()
    assert api.as_("supporter").get(f"/needs/{need.id}").get_json()["contact_phone"] is None
    db.session.add(Match(need_id=need.id, offer_id=offer.id, status="confirmed",
                         amount_yuan=1000))
    db.session.commit()
    assert api.as_("supporter").get(f"/needs/{need.id}").get_json()["contact_phone"] \
        == "13812345678"
    assert api.as_("recipient").get(f"/offers/{offer.id}").get_json()["contact_phone"] \
        == "13900001111"
