"""申请对接: a side asks, a coordinator confirms (the normal decide) or declines; one open
request per pair (service check and the database's partial unique index)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import AuditEvent, MatchRequest, Notification
from matchmaker.services.errors import Conflict, DomainError, Forbidden
from matchmaker.services.matching import lifecycle, requests, work_queue
from matchmaker.services.matching.lifecycle import Decision
from matchmaker.services.platform import audit_format, audit_history
from tests import factories


@pytest.fixture()
def pair(ctx, users):
    need = factories.make_need(users["recipient"].organisation, budget_yuan=500_000)
    offer = factories.make_offer(users["supporter"].organisation, budget_yuan=800_000)
    db.session.commit()
    return need, offer


def _ask(pair, user, note=""):
    need, offer = pair
    return unit_of_work.run(lambda: requests.ask(need.id, offer.id, by=user, note=note))


def _texts(user) -> list[str]:
    return list(db.session.scalars(select(Notification.text).where(
        Notification.user_id == user.id)))


@pytest.mark.parametrize("role, side", [("supporter", "offer"), ("recipient", "need")])
def test_either_side_asks_and_it_lands_in_the_queue(pair, users, role, side):
    req = _ask(pair, users[role], note="  双方已沟通  ")
    assert (req.side, req.status, req.note) == (side, "open", "双方已沟通")
    assert req.requested_by_id == users[role].id
    assert req.organisation_id == users[role].organisation_id
    assert [r.id for r in work_queue.open_requests()] == [req.id]
    assert work_queue.open_requests_count() == 1
    assert any("申请对接" in t for t in _texts(users["coordinator"]))
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "match_request.create"))
    assert event.entity_type == "MatchRequest" and event.user_id == users[role].id
    assert audit_history.ACTION_LABELS["match_request.create"] == "申请对接"
    words = audit_format.format_changes(event.changes)
    assert "申请方：" in words and ("供给方" if side == "offer" else "需求方") in words


def test_a_second_open_request_on_the_pair_is_refused(pair, users):
    _ask(pair, users["supporter"])
    with pytest.raises(Conflict, match="已申请对接"):
        _ask(pair, users["recipient"])
    assert work_queue.open_requests_count() == 1


def test_the_database_keeps_one_open_request_per_pair(pair, users):
    need, offer = pair
    first = _ask(pair, users["supporter"])
    db.session.add(MatchRequest(need_id=need.id, offer_id=offer.id, side="need",
                                requested_by_id=users["recipient"].id,
                                organisation_id=users["recipient"].organisation_id,
                                note="", status="open", decline_reason=""))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # a declined one does not block a new request
    unit_of_work.run(lambda: requests.decline(first.id, by=users["coordinator"],
                                              reason="资金已另有安排"))
    again = _ask(pair, users["supporter"])
    assert again.status == "open" and again.id != first.id


def test_only_an_owning_acting_organisation_may_ask(pair, users):
    other_supporter = factories.make_user("supporter")  # a second organisation, same role
    other_recipient = factories.make_user("recipient")
    frozen_org = factories.make_org(region_code="310000", status="suspended")
    frozen = factories.make_user("supporter", org=frozen_org)
    mate = factories.make_user("recipient", org=users["supporter"].organisation)  # wrong role
    db.session.commit()
    for user in (other_supporter, other_recipient, users["coordinator"], users["admin"], mate):
        with pytest.raises(Forbidden):
            _ask(pair, user)
    users["supporter"].organisation.status = "suspended"
    db.session.commit()
    with pytest.raises(Forbidden):
        _ask(pair, users["supporter"])
    with pytest.raises(Forbidden):
        _ask(pair, frozen)
    assert work_queue.open_requests_count() == 0


def test_refused_when_not_published_already_matched_or_rejected(pair, users):
    need, offer = pair
    need.status = "closed"
    db.session.commit()
    with pytest.raises(DomainError, match="未发布或已关闭"):
        _ask(pair, users["supporter"])
    need.status = "published"
    db.session.commit()
    unit_of_work.run(lambda: lifecycle.decide(Decision(need.id, offer.id, "rejected",
                                                       note="领域不符"), by=users["coordinator"]))
    with pytest.raises(Conflict, match="否决"):
        _ask(pair, users["supporter"])
    need2 = factories.make_need(users["recipient"].organisation, budget_yuan=100_000)
    db.session.commit()
    unit_of_work.run(lambda: lifecycle.decide(Decision(need2.id, offer.id, "confirmed",
                                                       50_000), by=users["coordinator"]))
    with pytest.raises(Conflict, match="进行中的对接"):
        _ask((need2, offer), users["supporter"])


def test_a_long_note_is_refused(pair, users):
    with pytest.raises(DomainError, match="500"):
        _ask(pair, users["supporter"], note="字" * 501)


def test_confirming_the_pair_marks_the_request_done_and_tells_the_asker(pair, users):
    need, offer = pair
    req = _ask(pair, users["supporter"], note="请尽快")
    match = unit_of_work.run(lambda: lifecycle.decide(
        Decision(need.id, offer.id, "confirmed", 200_000), by=users["coordinator"]))
    db.session.expire_all()
    done = db.session.get(MatchRequest, req.id)
    assert (done.status, done.match_id, done.decided_by_id) == (
        "done", match.id, users["coordinator"].id)
    assert work_queue.open_requests_count() == 0
    assert [r.id for r in work_queue.handled_requests()] == [req.id]
    assert any("已由协调员确认" in t for t in _texts(users["supporter"]))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "match_request.done"))


def test_declining_needs_a_reason_and_tells_the_asker(pair, users):
    req = _ask(pair, users["recipient"])
    with pytest.raises(DomainError, match="理由"):
        unit_of_work.run(lambda: requests.decline(req.id, by=users["coordinator"], reason="  "))
    with pytest.raises(Forbidden):
        unit_of_work.run(lambda: requests.decline(req.id, by=users["supporter"], reason="不行"))
    unit_of_work.run(lambda: requests.decline(req.id, by=users["coordinator"],
                                              reason="供给方资金已用于其他项目"))
    db.session.expire_all()
    declined = db.session.get(MatchRequest, req.id)
    assert (declined.status, declined.decline_reason) == ("declined", "供给方资金已用于其他项目")
    texts = _texts(users["recipient"])
    assert any("未被采纳" in t and "供给方资金已用于其他项目" in t for t in texts)
    with pytest.raises(Conflict, match="已处理"):
        unit_of_work.run(lambda: requests.decline(req.id, by=users["coordinator"], reason="再次"))
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "match_request.declined"))
    words = audit_format.format_changes(event.changes)
    assert "申请状态：待协调员处理 → 协调员未采纳" in words
    assert "原因：— → 供给方资金已用于其他项目" in words


def test_rejecting_the_pair_declines_the_request_with_the_note(pair, users):
    need, offer = pair
    req = _ask(pair, users["supporter"])
    unit_of_work.run(lambda: lifecycle.decide(Decision(need.id, offer.id, "rejected",
                                                       note="地区不符"), by=users["coordinator"]))
    db.session.expire_all()
    assert db.session.get(MatchRequest, req.id).decline_reason == "地区不符"
    assert any("地区不符" in t for t in _texts(users["supporter"]))


def test_the_item_pages_see_their_requests(pair, users):
    need, offer = pair
    req = _ask(pair, users["supporter"])
    assert requests.for_item(need) == [req] == requests.for_item(offer)
    assert requests.open_pairs(offer) == {(need.id, offer.id): req}


@pytest.mark.parametrize("closer, told", [("recipient", "supporter"), ("supporter", None)])
def test_closing_an_item_ends_its_open_requests_and_tells_the_asker(pair, users, closer, told):
    """A closed need or offer cannot be confirmed, so a request on it must not stay in the
    coordinators' queue: it ends with the reason, the asker is told (unless they closed it)."""
    from matchmaker.services.lists import rules

    need, offer = pair
    req = _ask(pair, users["supporter"])
    item = need if closer == "recipient" else offer
    unit_of_work.run(lambda: rules.set_status(item, "closed", by=users[closer]))
    db.session.expire_all()
    ended = db.session.get(MatchRequest, req.id)
    label = "需求" if closer == "recipient" else "供给"
    assert (ended.status, ended.status_label) == ("ended", "已结束（项目已关闭）")
    assert ended.decline_reason == f"{label}“{item.title}”已关闭，申请自动结束。"
    assert ended.decided_by_id == users[closer].id
    assert work_queue.open_requests_count() == 0
    asked = _texts(users["supporter"])
    if told:
        assert any("您的对接申请已结束" in t and "已关闭" in t for t in asked)
    else:
        assert not any("已结束" in t for t in asked)
    # Published again, the pair may be asked for anew.
    unit_of_work.run(lambda: rules.set_status(item, "published", by=users[closer]))
    assert _ask(pair, users["recipient"]).status == "open"
