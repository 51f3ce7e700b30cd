"""Screens a clerk reads without training, in a real browser at desktop and phone widths:
Beijing times, one 0–100 score scale with factor words, Chinese audit entries, notes for
admins only, a coordinator home that says what it counts. Screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Match
from matchmaker.services.platform import audit
from tests import factories

from .conftest import screenshot
from .test_login_journey import _log_in

WIDTHS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def _setup():
    r_org = factories.make_org(name="日喀则市民政局", region_code="540200")
    s_org = factories.make_org(name="上海市民政局", region_code="310000")
    factories.make_org(name="待审核的基金会", status="pending")
    users = {
        "recipient": factories.make_user("recipient", org=r_org, display_name="次仁"),
        "coordinator": factories.make_user("coordinator", org=None, display_name="王协调"),
        "admin": factories.make_user("admin", org=None, display_name="李管理"),
    }
    need = factories.make_need(r_org, title="江孜县乡村教师培训", region_code="540222",
                               sector_code="0104", budget_yuan=350_000)
    need.published_at = need.updated_at = datetime(2026, 11, 30, 10, 21)
    offer = factories.make_offer(s_org, title="基层教师能力提升", sectors=("0104",),
                                 regions=("540222",), budget_yuan=600_000)
    factories.make_offer(s_org, title="乡村学校师资培训", sectors=("0104",),
                         regions=("540200",), budget_yuan=200_000)
    match = Match(need=need, offer=offer, amount_yuan=300_000, score=0.71, status="confirmed",
                  factors={"sector": 1.0, "region": 0.75, "budget": 0.4, "text": 0.12},
                  reasons=["领域一致：师资培训", "定向支持：江孜县"])
    db.session.add(match)
    db.session.flush()
    event = audit.record("match.confirmed", user=users["coordinator"], entity=match,
                         changes={"amount_yuan": [None, 300_000], "status": [None, "confirmed"]})
    event.created_at = datetime(2026, 11, 30, 10, 21)
    audit.record("need.create", user=users["recipient"], entity=need,
                 organisation_id=r_org.id, changes={"budget_yuan": [None, 800_000],
                                                    "sector_code": [None, "0104"]})
    audit.record("user.create", user=users["admin"], entity=users["coordinator"],
                 changes={"email": [None, users["coordinator"].email],
                          "role": [None, "coordinator"]})
    db.session.commit()
    return users, need, match


def _shoot(page, name):
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        screenshot(page, f"screens-{name}-{label}")


def _switch(page, user):
    page.context.clear_cookies()
    _log_in(page, user.email, factories.PASSWORD)
    page.wait_for_url("**/home")


def test_screens_in_plain_chinese(page):
    users, need, match = _setup()
    _switch(page, users["recipient"])
    page.goto(f"/needs/{need.id}")
    expect(page.get_by_text("发布于 2026-11-30 18:21")).to_be_visible()
    _shoot(page, "need-detail")
    page.goto("/reference/pairings?q=江孜县")
    expect(page.get_by_text("since 1995")).to_have_count(0)
    _shoot(page, "pairings-recipient")

    _switch(page, users["coordinator"])
    expect(page.get_by_role("link", name="待审核单位")).to_be_visible()
    _shoot(page, "coordinator-home")
    page.goto(f"/matches/need/{need.id}?min_score=50")
    expect(page.get_by_placeholder("最低得分 0–100")).to_have_value("50")
    expect(page.get_by_test_id("candidate").first).to_be_visible()
    _shoot(page, "candidates")
    page.goto(f"/matches/{match.id}")
    expect(page.get_by_text("确认时综合得分 71（满分 100）")).to_be_visible()
    expect(page.get_by_test_id("history")).to_contain_text("18:21 协调员确认对接（王协调）")
    _shoot(page, "match")

    _switch(page, users["admin"])
    page.goto("/audit")
    expect(page.get_by_test_id("audit-table")).to_contain_text("资金：— → 80 万元")
    expect(page.get_by_test_id("audit-table")).to_contain_text("角色：— → 协调员")
    _shoot(page, "audit")
    page.goto("/reference/pairings?q=江孜县")
    expect(page.get_by_text("来源备注（内部）")).to_be_visible()
    _shoot(page, "pairings-admin")
