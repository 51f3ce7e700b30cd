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


def _teaching_pair(users):
    need = factories.make_need(users["recipient"].organisation, title="江孜县乡村教师培训",
                               region_code="540222", sector_code="0104", budget_yuan=350_000)
    offer = factories.make_offer(users["supporter"].organisation, title="基层教师能力提升",
                                 sectors=("0104",), regions=("540222",), budget_yuan=600_000)
    db.session.commit()
    return need, offer


def test_min_score_is_typed_on_the_0_to_100_scale(client, login_as, users):
    need, _ = _teaching_pair(users)
    login_as("coordinator")
    page = f"/matches/need/{need.id}"
    html = client.get(f"{page}?min_score=50").get_data(as_text=True)
    assert "基层教师能力提升" in html and 'value="50"' in html and "最低得分 0–100" in html
    assert "0–1\"" not in html
    assert "基层教师能力提升" not in client.get(f"{page}?min_score=100").get_data(as_text=True)


def test_factor_bars_are_0_to_100_in_words_with_a_legend(client, login_as, users):
    need, offer = _teaching_pair(users)
    login_as("coordinator")
    html = client.get(f"/matches/need/{need.id}").get_data(as_text=True)
    assert 'class="factor-label">领域</span>' in html and "内容" in html
    assert '<span class="text-muted factor-value">100</span>' in html  # 领域一致
    assert "0.00" not in html and "1.00" not in html
    assert "得分怎么算" in html and "需求的领域与供给支持的领域是否一致" in html
    match = Match(need=need, offer=offer, amount_yuan=100_000, score=0.71, status="confirmed",
                  factors={"sector": 1.0, "region": 0.75, "budget": 0.4, "text": 0.12},
                  reasons=[])
    db.session.add(match)
    db.session.commit()
    detail = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "确认时综合得分 71（满分 100）" in detail
    assert '<span class="text-muted factor-value">12</span>' in detail and "0.12" not in detail
    assert "得分怎么算" in detail


def test_plan_rows_show_factors_in_words(client, login_as, users):
    _teaching_pair(users)
    login_as("coordinator")
    html = client.get("/matches/plan?run=1&province=540000&sector=01").get_data(as_text=True)
    assert 'data-testid="factor-line">领域 100 · ' in html and "内容 " in html


def test_source_notes_are_for_admins_only(client, login_as, users):
    """English working notes ("since 1995", "pseudo code …") are internal."""
    login_as("recipient")
    html = client.get("/reference/pairings?q=江孜县").get_data(as_text=True)
    assert "江孜县" in html and "since 1995" not in html and "source-notes" not in html
    assert "已核实" in html or "待核实" in html


def test_coordinators_do_not_see_region_working_notes(client, login_as, users):
    login_as("coordinator")
    html = client.get("/reference/regions?province=XJBT00").get_data(as_text=True)
    assert "新疆生产建设兵团" in html and "NOT a GB/T" not in html and "pseudo code" not in html


def test_admins_see_the_source_notes(client, login_as, users):
    login_as("admin")
    html = client.get("/reference/pairings?q=江孜县").get_data(as_text=True)
    assert "来源备注（内部）" in html and "since 1995" in html
    html = client.get("/reference/regions?province=XJBT00").get_data(as_text=True)
    assert "NOT a GB/T" in html


def test_coordinator_home_counts_open_matches_and_links_pending_orgs(client, login_as, users):
    need = factories.make_need(users["recipient"].organisation)
    for status in ("confirmed", "accepted", "completed", "completed"):
        offer = factories.make_offer(users["supporter"].organisation)
        db.session.add(Match(need=need, offer=offer, amount_yuan=10_000, status=status))
    factories.make_org(status="pending")
    db.session.commit()
    login_as("coordinator")
    html = client.get("/home").get_data(as_text=True)
    assert ('进行中的对接</div>\n    <div class="fs-4 fw-semibold">2<' in html)
    assert 'href="/orgs?status=pending" class="stretched-link">待审核单位</a>' in html
    assert "含协调员已确认、尚待双方接受的对接" in html


def test_required_fields_are_marked_and_primary_buttons_use_the_brand(client, login_as, users):
    login_as("recipient")
    html = client.get("/needs/new").get_data(as_text=True)
    assert '项目名称<span class="required-mark" aria-hidden="true"> *</span></label>' in html
    assert 'aria-required="true"' in html and "带 <span" in html
    assert '联系人</label>' in html  # optional: no mark


def test_no_bootstrap_blue_primary_buttons(app):
    from pathlib import Path
    for path in Path(app.root_path).parent.joinpath("templates").rglob("*.html"):
        assert "btn-primary" not in path.read_text(encoding="utf-8"), path
    css = Path(app.static_folder, "css", "app.css").read_text(encoding="utf-8")
    assert "--bs-pagination-active-bg: var(--brand)" in css
