"""The match lifecycle and its money invariants, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Match, Need, Offer, User
from matchmaker.services.errors import Conflict, DomainError, Forbidden
from matchmaker.services.matching import lifecycle
from matchmaker.services.matching.figures import beijing_today
from matchmaker.services.matching.lifecycle import Decision
from matchmaker.services.platform import notifications
from tests import factories


@pytest.fixture()
def pair(ctx, users):
    need = factories.make_need(users["recipient"].organisation, budget_yuan=500_000)
    offer = factories.make_offer(users["supporter"].organisation, budget_yuan=800_000)
    db.session.commit()
    return need, offer


def _confirm(pair, users, amount=300_000):
    need, offer = pair
    return unit_of_work.run(lambda: lifecycle.decide(
        Decision(need.id, offer.id, "confirmed", amount, note="首批"), by=users["coordinator"]))


def test_confirm_commits_money_on_both_sides(pair, users):
    match = _confirm(pair, users)
    need, offer = (db.session.get(Need, pair[0].id), db.session.get(Offer, pair[1].id))
    assert (match.status, match.amount_yuan) == ("confirmed", 300_000)
    assert need.committed_yuan == offer.committed_yuan == 300_000
    assert offer.remaining_yuan == 500_000 and need.uncommitted_yuan == 200_000
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "match.confirmed"))


@pytest.mark.parametrize("amount", [500_001, 900_000])
def test_more_than_is_there_is_a_conflict_and_nothing_moves(pair, users, amount):
    with pytest.raises(Conflict) as info:
        _confirm(pair, users, amount)
    assert "万元" in info.value.message
    db.session.expire_all()
    assert db.session.get(Offer, pair[1].id).committed_yuan == 0
    assert db.session.get(Need, pair[0].id).committed_yuan == 0
    assert db.session.scalar(select(func.count(Match.id))) == 0


def test_second_live_match_on_a_pair_is_a_conflict(pair, users):
    _confirm(pair, users, 100_000)
    with pytest.raises(Conflict):
        _confirm(pair, users, 100_000)
    need, offer = pair
    with pytest.raises(Conflict):  # rejecting a pair with a live match
        unit_of_work.run(lambda: lifecycle.decide(Decision(need.id, offer.id, "rejected"),
                                      by=users["coordinator"]))


def test_unpublished_need_is_a_field_error(ctx, users):
    need = factories.make_need(users["recipient"].organisation, status="draft")
    offer = factories.make_offer(users["supporter"].organisation)
    db.session.commit()
    with pytest.raises(DomainError) as info:
        lifecycle.decide(Decision(need.id, offer.id, "confirmed", 1000), by=users["coordinator"])
    assert "need_id" in info.value.fields


def test_both_sides_accept_then_recipient_completes(pair, users):
    match = _confirm(pair, users)
    unit_of_work.run(lambda: lifecycle.accept(match.id, by=users["recipient"]))
    assert db.session.get(Match, match.id).status == "confirmed"
    unit_of_work.run(lambda: lifecycle.accept(match.id, by=users["recipient"]))  # twice is harmless
    unit_of_work.run(lambda: lifecycle.accept(match.id, by=users["supporter"]))
    assert db.session.get(Match, match.id).status == "accepted"
    with pytest.raises(Conflict):
        unit_of_work.run(lambda: lifecycle.decline(match.id, by=users["supporter"]))
    with pytest.raises(Forbidden):
        unit_of_work.run(lambda: lifecycle.complete(match.id, by=users["supporter"],
                                        completed_on=beijing_today(), delivered_yuan=1,
                                        result_text=""))
    unit_of_work.run(lambda: lifecycle.complete(match.id, by=users["recipient"],
                                    completed_on=beijing_today(), delivered_yuan=290_000,
                                    result_text="培训教师 118 名"))
    done = db.session.get(Match, match.id)
    assert done.status == "completed" and done.delivered_yuan == 290_000
    assert db.session.get(Offer, pair[1].id).committed_yuan == 300_000  # still committed
    with pytest.raises(Conflict):
        unit_of_work.run(lambda: lifecycle.cancel(match.id, by=users["coordinator"]))


def test_decline_and_cancel_release_the_money(pair, users):
    match = _confirm(pair, users)
    unit_of_work.run(
        lambda: lifecycle.decline(match.id, by=users["supporter"], note="资金另有安排"))
    db.session.expire_all()
    assert db.session.get(Offer, pair[1].id).committed_yuan == 0
    with pytest.raises(Conflict):  # a declined match cannot be completed
        unit_of_work.run(lambda: lifecycle.complete(match.id, by=users["recipient"],
                                        completed_on=date(2027, 1, 1), delivered_yuan=0,
                                        result_text=""))
    second = _confirm(pair, users, 200_000)
    unit_of_work.run(lambda: lifecycle.cancel(second.id, by=users["coordinator"], note="重复"))
    db.session.expire_all()
    assert db.session.get(Need, pair[0].id).committed_yuan == 0


def test_only_the_two_organisations_act(pair, users):
    match = _confirm(pair, users)
    outsider = factories.make_user("supporter")
    db.session.commit()
    with pytest.raises(Forbidden):
        unit_of_work.run(lambda: lifecycle.accept(match.id, by=outsider))
    with pytest.raises(Forbidden):
        unit_of_work.run(lambda: lifecycle.cancel(match.id, by=users["admin"]))


def test_suspended_organisation_cannot_be_confirmed(pair, users):
    users["supporter"].organisation.status = "suspended"
    db.session.commit()
    with pytest.raises(Conflict) as info:
        _confirm(pair, users)
    assert "已暂停" in info.value.message


def test_twenty_simultaneous_confirmations_never_overspend(app, ctx, users):
    """20 threads, each its own session, confirm 100,000 against one 1,000,000 offer."""
    offer = factories.make_offer(users["supporter"].organisation, budget_yuan=1_000_000)
    needs = [factories.make_need(users["recipient"].organisation, budget_yuan=150_000)
             for _ in range(20)]
    db.session.commit()
    coordinator_id, offer_id = users["coordinator"].id, offer.id
    need_ids = [n.id for n in needs]
    results: list[str] = []
    barrier = threading.Barrier(20)

    def worker(need_id: int) -> None:
        with app.app_context():
            by = db.session.get(User, coordinator_id)
            barrier.wait()
            try:
                unit_of_work.run(lambda: lifecycle.decide(
                    Decision(need_id, offer_id, "confirmed", 100_000), by=by))
                results.append("ok")
            except Conflict:
                results.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in need_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["conflict"] * 10 + ["ok"] * 10
    db.session.expire_all()
    assert db.session.get(Offer, offer_id).committed_yuan == 1_000_000
    live_total = db.session.scalar(select(func.sum(Match.amount_yuan)).where(
        Match.offer_id == offer_id, Match.status == "confirmed"))
    assert live_total == 1_000_000


def test_both_organisations_are_notified(pair, users):
    match = _confirm(pair, users)
    assert notifications.unread_count(users["recipient"]) == 1
    assert notifications.unread_count(users["supporter"]) == 1
    assert notifications.unread_count(users["coordinator"]) == 0
    [confirmed] = notifications.recent(users["recipient"])
    assert "请接受或谢绝" in confirmed.text and confirmed.link == f"/matches/{match.id}"
    unit_of_work.run(lambda: lifecycle.decline(match.id, by=users["supporter"], note="另有安排"))
    assert notifications.unread_count(users["recipient"]) == 2
    assert notifications.unread_count(users["coordinator"]) == 1
    [declined] = notifications.recent(users["coordinator"])
    assert declined.link == f"/matches/{match.id}"


def test_next_step_says_what_each_side_does(pair, users):
    match = _confirm(pair, users)
    recipient, supporter = users["recipient"], users["supporter"]
    assert "等待需求方和供给方接受" in lifecycle.next_step(users["coordinator"], match)
    assert "请在此接受或谢绝" in lifecycle.next_step(recipient, match)
    assert "还需供给方接受" in lifecycle.next_step(recipient, match)
    unit_of_work.run(lambda: lifecycle.accept(match.id, by=recipient))
    match = db.session.get(Match, match.id)
    assert lifecycle.next_step(recipient, match) == "您方已接受，等待供给方接受。"
    assert "需求方已接受" in lifecycle.next_step(supporter, match)
    assert "等待供给方接受" in lifecycle.next_step(users["coordinator"], match)
    unit_of_work.run(lambda: lifecycle.accept(match.id, by=supporter))
    match = db.session.get(Match, match.id)
    assert lifecycle.next_step(recipient, match) == (
        "双方已接受。请按计划实施，完成后在此报告完成情况（实际到位资金、完成日期）。")
    assert lifecycle.next_step(supporter, match) == (
        "双方已接受。请按约定拨付资金；需求方报告完成后，请在此确认到位资金。")
    unit_of_work.run(lambda: lifecycle.complete(match.id, by=recipient))
    assert lifecycle.next_step(recipient, db.session.get(Match, match.id)) is None
