"""The coordinator's work queue and the organisations' waiting matches."""

from __future__ import annotations

from datetime import timedelta

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import Match
from matchmaker.models.base import utcnow
from matchmaker.services.matching import lifecycle, work_queue
from tests import factories


def test_work_queue_lists_what_needs_attention(ctx, users, client, login_as):
    r_org, s_org = users["recipient"].organisation, users["supporter"].organisation
    old = factories.make_need(r_org, title="久未落实的需求")
    old.published_at = utcnow() - timedelta(days=20)
    factories.make_need(r_org, title="新需求")
    offer = factories.make_offer(s_org, title="尚有资金的供给")
    db.session.commit()
    decision = lifecycle.Decision(old.id, offer.id, "confirmed", 1000)
    match = unit_of_work.run(lambda: lifecycle.decide(decision, by=users["coordinator"]))
    assert [n.title for n in work_queue.stale_needs()] == []  # money committed now
    db.session.get(Match, match.id).created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert [m.id for m in work_queue.waiting_matches()] == [match.id]
    assert work_queue.awaiting_answer(r_org.id, "needs")[0].id == match.id
    unit_of_work.run(lambda: lifecycle.accept(match.id, by=users["recipient"]))
    assert work_queue.awaiting_answer(r_org.id, "needs") == []
    assert work_queue.awaiting_answer(s_org.id, "offers")[0].id == match.id

    login_as("coordinator")
    html = client.get("/home").get_data(as_text=True)
    assert "工作队列" in html and "尚有资金的供给" in html and f"#{match.id}" in html


def test_stale_needs_are_listed_oldest_first(ctx, users):
    org = users["recipient"].organisation
    for days, title in ((30, "三十天"), (15, "十五天"), (3, "三天")):
        need = factories.make_need(org, title=title)
        need.published_at = utcnow() - timedelta(days=days)
    db.session.commit()
    assert [n.title for n in work_queue.stale_needs()] == ["三十天", "十五天"]
