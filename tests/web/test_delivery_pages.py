"""Completion pages: figures out of range are refused with a message and nothing saved;
disputes reach the coordinator's work queue; a coordinator corrects or changes the amount."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import Match, Offer
from matchmaker.services.errors import DomainError
from matchmaker.services.matching import delivery, lifecycle
from matchmaker.services.matching.figures import beijing_today
from matchmaker.services.matching.lifecycle import Decision
from tests import factories


@pytest.fixture()
def accepted(ctx, users):
    """An accepted 10,000-yuan match (1 万元)."""
    need = factories.make_need(users["recipient"].organisation, budget_yuan=50_000)
    offer = factories.make_offer(users["supporter"].organisation, budget_yuan=80_000)
    db.session.commit()
    match = unit_of_work.run(lambda: lifecycle.decide(
        Decision(need.id, offer.id, "confirmed", 10_000), by=users["coordinator"]))
    for role in ("recipient", "supporter"):
        unit_of_work.run(lambda r=role: lifecycle.accept(match.id, by=users[r]))
    return match


@pytest.mark.parametrize(("field", "value", "message"), [
    ("delivered_wan", "2", "不能超过对接金额"),
    ("delivered_wan", "1000000000", "金额过大"),
    ("completed_on", "2030-01-01", "不能晚于今天"),
])
def test_out_of_range_figures_are_refused_before_confirmation(
        client, login_as, post_form, accepted, field, value, message):
    login_as("recipient")
    detail = f"/matches/{accepted.id}"
    data = {"completed_on": beijing_today().isoformat(), "delivered_wan": "1", field: value}
    for confirmed in ("", "1"):
        response = post_form(f"{detail}/complete", {**data, "confirmed": confirmed},
                             page=detail, follow_redirects=True)
        assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Match, accepted.id).status == "accepted"


def test_dispute_reaches_the_work_queue_and_correction_settles_it(
        client, login_as, post_form, accepted, users):
    unit_of_work.run(lambda: lifecycle.complete(accepted.id, by=users["recipient"]))
    login_as("supporter")
    detail = f"/matches/{accepted.id}"
    post_form(f"{detail}/dispute-delivery", {"note": "实际只到位 0.6 万元"}, page=detail)
    db.session.expire_all()
    assert db.session.get(Match, accepted.id).delivery_status == "disputed"
    post_form("/logout", page="/home")

    login_as("coordinator")
    home = client.get("/home").get_data(as_text=True)
    assert 'data-testid="disputed-deliveries"' in home and f"/matches/{accepted.id}" in home
    page = client.get(detail).get_data(as_text=True)
    assert "实际只到位 0.6 万元" in page and "更正完成情况" in page
    post_form(f"{detail}/correct", {"completed_on": beijing_today().isoformat(),
                                    "delivered_wan": "0.6", "reason": "与双方核实"}, page=detail)
    db.session.expire_all()
    fixed = db.session.get(Match, accepted.id)
    assert (fixed.delivered_yuan, fixed.delivery_status) == (6_000, "confirmed")
    assert f"/matches/{accepted.id}" not in client.get("/home").get_data(as_text=True)


def test_coordinator_raises_the_amount_on_the_match_page(
        client, login_as, post_form, accepted, users):
    login_as("coordinator")
    detail = f"/matches/{accepted.id}"
    assert "调整对接金额" in client.get(detail).get_data(as_text=True)
    refused = post_form(f"{detail}/amount", {"amount_wan": "6"}, page=detail,
                        follow_redirects=True)  # the need has 5 万元
    assert "尚未落实" in refused.get_data(as_text=True)
    post_form(f"{detail}/amount", {"amount_wan": "3"}, page=detail)
    db.session.expire_all()
    assert db.session.get(Match, accepted.id).amount_yuan == 30_000
    assert db.session.get(Offer, accepted.offer_id).committed_yuan == 30_000


def test_correction_before_the_confirmation_date_is_refused(accepted, users):
    unit_of_work.run(lambda: lifecycle.complete(accepted.id, by=users["recipient"]))
    early = beijing_today() - timedelta(days=400)
    with pytest.raises(DomainError, match="不能早于"):
        unit_of_work.run(lambda: delivery.correct_completion(
            accepted.id, by=users["coordinator"], completed_on=early, delivered_yuan=1,
            reason="x"))
