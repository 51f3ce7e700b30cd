"""Screens a clerk reads without training: Beijing times, names in timelines."""

from __future__ import annotations

from datetime import date, datetime

from matchmaker.extensions import db
from matchmaker.models import Match
from matchmaker.services.localtime import format_date, format_datetime
from matchmaker.services.platform import audit
from tests import factories


def test_a_need_posted_at_10_21_utc_shows_18_21(client, login_as, users):
    need = factories.make_need(users["recipient"].organisation)
    need.published_at = datetime(2026, 11, 30, 10, 21)
    need.updated_at = datetime(2026, 11, 30, 10, 21)
    db.session.commit()
    login_as("recipient")
    html = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "发布于 2026-11-30 18:21" in html and "10:21" not in html


def test_new_year_in_beijing_is_new_year_on_screen():
    assert format_datetime(datetime(2026, 12, 31, 16, 30)) == "2027-01-01 00:30"
    assert format_date(datetime(2026, 12, 31, 16, 30)) == "2027年1月1日"
    assert format_date(date(2026, 11, 30)) == "2026年11月30日"
    assert format_datetime(None) == "" and format_date(None) == ""


def test_org_history_and_match_timeline_name_people(client, login_as, users):
    org = users["recipient"].organisation
    audit.record("organisation.status", user=users["coordinator"], entity=org,
                 organisation_id=org.id, changes={"status": ["pending", "verified"]})
    need = factories.make_need(org)
    offer = factories.make_offer(users["supporter"].organisation)
    match = Match(need=need, offer=offer, amount_yuan=100_000, score=0.71, factors={},
                  reasons=[], status="confirmed")
    db.session.add(match)
    db.session.flush()
    event = audit.record("match.confirmed", user=users["coordinator"], entity=match,
                         changes={"amount_yuan": [None, 100_000]})
    event.created_at = datetime(2026, 11, 30, 10, 21)
    db.session.commit()
    login_as("coordinator")
    name, email = users["coordinator"].display_name, users["coordinator"].email
    html = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert f"{name} · 变更单位状态 · 状态：待审核 → 已审核" in html
    timeline = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert f"2026-11-30 18:21</span> 协调员确认对接（{name}）" in timeline
    assert f"（{email}）" not in timeline
