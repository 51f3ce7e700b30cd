"""The coordinator's work queue and the organisations' waiting matches."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import Match, Need
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


def test_home_queues_list_unpaired_needs_and_offers_in_order(ctx, users, client, login_as):
    r_org, s_org = users["recipient"].organisation, users["supporter"].organisation
    now = utcnow()
    for days, title, yuan in ((10, "旧小", 100_000), (10, "旧大", 900_000), (2, "新", 5_000_000),
                              (30, "已对接", 800_000)):
        need = factories.make_need(r_org, title=title, budget_yuan=yuan)
        need.published_at = now - timedelta(days=days)
    factories.make_need(r_org, title="草稿", status="draft")
    small = factories.make_offer(s_org, title="小额供给", budget_yuan=200_000)
    factories.make_offer(s_org, title="大额供给", budget_yuan=3_000_000)
    db.session.commit()
    paired = db.session.scalar(select(Need).where(Need.title == "已对接"))
    decision = lifecycle.Decision(paired.id, small.id, "confirmed", 10_000)
    unit_of_work.run(lambda: lifecycle.decide(decision, by=users["coordinator"]))

    assert [n.title for n in work_queue.unpaired_needs()] == ["旧大", "旧小", "新"]
    assert work_queue.unpaired_count() == 3
    assert [o.title for o in work_queue.offers_with_money()] == ["大额供给", "小额供给"]
    assert work_queue.next_need(after_id=None).title == "旧大"
    assert work_queue.next_need(
        after_id=db.session.scalar(select(Need.id).where(Need.title == "旧大"))).title == "旧小"

    login_as("coordinator")
    html = client.get("/home").get_data(as_text=True)
    needs_card = html.split('data-testid="queue-needs"')[1].split('data-testid="queue-offers"')[0]
    assert "待对接的需求（3）" in needs_card
    assert needs_card.index("旧大") < needs_card.index("旧小") < needs_card.index("新")
    assert "已对接" not in needs_card and "草稿" not in needs_card
    assert "尚缺 <strong>90</strong> 万元" in needs_card and "推荐供给" in needs_card
    offers_card = html.split('data-testid="queue-offers"')[1].split('data-testid="plan-entry"')[0]
    assert offers_card.index("大额供给") < offers_card.index("小额供给")
    assert "剩余 <strong>19</strong> 万元" in offers_card and "推荐需求" in offers_card
    assert 'data-testid="plan-entry"' in html and "/matches/plan" in html
