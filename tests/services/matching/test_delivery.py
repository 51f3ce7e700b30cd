"""Completion figures that can be believed: limits on the report, the offer side's
confirmation or dispute, a coordinator's correction and amount change."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Match, Need, Offer
from matchmaker.services.errors import Conflict, DomainError, Forbidden
from matchmaker.services.matching import delivery, lifecycle, work_queue
from matchmaker.services.matching.figures import beijing_date, beijing_today
from matchmaker.services.matching.lifecycle import Decision
from tests import factories


@pytest.fixture()
def accepted(ctx, users):
    """An accepted 10,000-yuan match."""
    need = factories.make_need(users["recipient"].organisation, budget_yuan=50_000)
    offer = factories.make_offer(users["supporter"].organisation, budget_yuan=80_000)
    db.session.commit()
    match = unit_of_work.run(lambda: lifecycle.decide(
        Decision(need.id, offer.id, "confirmed", 10_000), by=users["coordinator"]))
    for role in ("recipient", "supporter"):
        unit_of_work.run(lambda r=role: lifecycle.accept(match.id, by=users[r]))
    return match


def _complete(match, users, **kw):
    return unit_of_work.run(lambda: lifecycle.complete(match.id, by=users["recipient"], **kw))


def test_delivered_above_the_amount_is_refused(accepted, users):
    """Regression: 10¹³ delivered on a 10,000-yuan match was accepted."""
    with pytest.raises(DomainError) as info:
        _complete(accepted, users, delivered_yuan=10**13)
    assert "delivered_yuan" in info.value.fields
    assert db.session.get(Match, accepted.id).status == "accepted"
    with pytest.raises(DomainError):
        _complete(accepted, users, delivered_yuan=10_001)


def test_completion_date_lies_between_confirmation_and_today(accepted, users):
    """Regression: a completion date of 2030 was accepted."""
    for day in (beijing_today() + timedelta(days=1), datetime(2030, 1, 1).date(),
                beijing_date(accepted.created_at) - timedelta(days=1)):
        with pytest.raises(DomainError) as info:
            _complete(accepted, users, completed_on=day)
        assert "completed_on" in info.value.fields
    assert db.session.get(Match, accepted.id).status == "accepted"


def test_defaults_are_today_and_the_whole_amount(accepted, users):
    done = _complete(accepted, users)
    assert (done.completed_on, done.delivered_yuan) == (beijing_today(), 10_000)
    assert done.delivery_status == "pending"


def test_offer_side_confirms_and_only_it(accepted, users):
    _complete(accepted, users, delivered_yuan=9_000)
    assert "confirm_delivery" in lifecycle.actions_for(users["supporter"], accepted)
    assert "confirm_delivery" not in lifecycle.actions_for(users["recipient"], accepted)
    with pytest.raises(Forbidden):
        unit_of_work.run(lambda: delivery.confirm_delivery(accepted.id, by=users["recipient"]))
    done = unit_of_work.run(lambda: delivery.confirm_delivery(accepted.id, by=users["supporter"]))
    assert done.delivery_status == "confirmed"
    assert done.delivery_answered_by_id == users["supporter"].id
    again = unit_of_work.run(lambda: delivery.confirm_delivery(accepted.id, by=users["supporter"]))
    assert again.delivery_status == "confirmed"  # twice is harmless
    with pytest.raises(Conflict):
        unit_of_work.run(lambda: delivery.dispute_delivery(
            accepted.id, by=users["supporter"], note="晚了"))


def test_suspended_offer_side_cannot_confirm(accepted, users):
    _complete(accepted, users)
    users["supporter"].organisation.status = "suspended"
    db.session.commit()
    assert "confirm_delivery" not in lifecycle.actions_for(users["supporter"], accepted)
    with pytest.raises(Forbidden):
        unit_of_work.run(lambda: delivery.confirm_delivery(accepted.id, by=users["supporter"]))


def test_dispute_goes_to_the_queue_and_a_correction_settles_it(accepted, users):
    _complete(accepted, users, delivered_yuan=10_000)
    with pytest.raises(DomainError) as info:  # a dispute says why
        unit_of_work.run(lambda: delivery.dispute_delivery(accepted.id, by=users["supporter"],
                                                           note="  "))
    assert "note" in info.value.fields
    unit_of_work.run(lambda: delivery.dispute_delivery(
        accepted.id, by=users["supporter"], note="实际只到位 6000 元"))
    assert [m.id for m in work_queue.disputed_deliveries()] == [accepted.id]
    with pytest.raises(Forbidden):
        unit_of_work.run(lambda: delivery.correct_completion(
            accepted.id, by=users["supporter"], completed_on=beijing_today(),
            delivered_yuan=6_000, reason="核实"))
    with pytest.raises(DomainError) as info:
        unit_of_work.run(lambda: delivery.correct_completion(
            accepted.id, by=users["coordinator"], completed_on=beijing_today(),
            delivered_yuan=20_000, reason="核实"))
    assert "delivered_yuan" in info.value.fields
    fixed = unit_of_work.run(lambda: delivery.correct_completion(
        accepted.id, by=users["coordinator"], completed_on=beijing_today(),
        delivered_yuan=6_000, reason="与双方核实"))
    assert (fixed.delivered_yuan, fixed.delivery_status) == (6_000, "confirmed")
    assert work_queue.disputed_deliveries() == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "match.corrected"))
    assert event.changes["delivered_yuan"] == [10_000, 6_000]
    assert event.changes["reason"] == [None, "与双方核实"]


def test_raising_the_amount_checks_both_budgets(accepted, users):
    with pytest.raises(Forbidden):
        unit_of_work.run(lambda: delivery.change_amount(accepted.id, by=users["recipient"],
                                                        amount_yuan=20_000))
    with pytest.raises(Conflict):  # the need has 50,000: 60,000 is too much
        unit_of_work.run(lambda: delivery.change_amount(accepted.id, by=users["coordinator"],
                                                        amount_yuan=60_000))
    db.session.expire_all()
    assert db.session.get(Offer, accepted.offer_id).committed_yuan == 10_000  # nothing moved
    raised = unit_of_work.run(lambda: delivery.change_amount(
        accepted.id, by=users["coordinator"], amount_yuan=30_000))
    assert raised.amount_yuan == 30_000
    db.session.expire_all()
    assert db.session.get(Offer, accepted.offer_id).committed_yuan == 30_000
    assert db.session.get(Need, accepted.need_id).committed_yuan == 30_000
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "match.amount_changed")).changes == {"amount_yuan": [10_000, 30_000]}
    done = _complete(accepted, users, delivered_yuan=25_000)  # now within the amount
    assert done.delivered_yuan == 25_000
    with pytest.raises(DomainError):  # never below what was delivered
        unit_of_work.run(lambda: delivery.change_amount(accepted.id, by=users["coordinator"],
                                                        amount_yuan=20_000))
