"""Reference data pages: lists for everyone, corrections by admins."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Pairing, Region
from matchmaker.services.matching import ranking


def test_pairings_can_be_filtered_to_the_unverified(client, login_as):
    login_as("recipient")
    html = client.get("/reference/pairings?verified=no&per_page=50").get_data(as_text=True)
    assert "待核实" in html
    assert "已核实</span>" not in html


def test_pairings_search_by_region_name(client, login_as):
    login_as("supporter")
    html = client.get("/reference/pairings", query_string={"q": "日喀则"}).get_data(as_text=True)
    assert "上海市" in html and "和田" not in html


def test_admin_verifies_a_pairing_and_it_is_audited(client, login_as, post_form, fresh_reference):
    pairing = db.session.scalar(select(Pairing).where(Pairing.verified.is_(False)))
    login_as("admin")
    response = post_form(
        f"/reference/pairings/{pairing.id}/edit",
        {"verified": "y", "active": "y", "source_url": "https://www.gov.cn/x", "notes": "已核实"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pairing, pairing.id).verified is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pairing.update"))
    assert event.changes["verified"] == [False, True]


def test_bad_source_url_is_refused_in_chinese(client, login_as, post_form):
    pairing_id = db.session.scalar(select(Pairing.id))
    login_as("admin")
    response = post_form(f"/reference/pairings/{pairing_id}/edit",
                         {"source_url": "not a url", "notes": ""})
    assert response.status_code == 422
    assert "请输入有效的网址" in response.get_data(as_text=True)


def test_admin_renames_an_unverified_region(client, login_as, post_form, fresh_reference):
    region = db.session.scalar(select(Region).where(Region.verified.is_(False)))
    login_as("admin")
    response = post_form(f"/reference/regions/{region.code}/edit",
                         {"name": region.name, "verified": "y", "notes": "代码已公布"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Region, region.code).verified is True


def test_sectors_page_lists_the_taxonomy(client, login_as):
    login_as("recipient")
    html = client.get("/reference/sectors").get_data(as_text=True)
    for name in ("教育", "医疗卫生", "社会组织培育", "教师培训"):
        assert name in html


def test_scoring_page_shows_weights_and_learning_needs_decisions(client, login_as, post_form):
    login_as("admin")
    html = client.get("/reference/scoring").get_data(as_text=True)
    assert "默认权重" in html and "0.350" in html
    weights = ranking.current_weights()
    response = post_form("/reference/scoring/learn", page="/reference/scoring")
    assert response.status_code == 302 and response.headers["Location"] == "/reference/scoring"
    # No coordinator decisions yet: learning is refused with the count, nothing is adopted.
    html = client.get("/reference/scoring").get_data(as_text=True)
    assert "需要至少 20 条有确认、也有其他候选的需求决定（现有 0 条）" in html
    assert ranking.current_weights() == weights
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "scoring.learn")) is None


def test_scoring_page_shows_the_adoption_history_in_beijing_time(client, login_as, post_form,
                                                                 users):
    from datetime import datetime

    from matchmaker.models import ScoringWeightSet

    db.session.add(ScoringWeightSet(
        kind="learned", weights={"sector": 0.1, "budget": 0.1, "region": 0.1, "text": 0.7},
        accuracy=0.912, default_accuracy=0.655, n_decisions=42,
        adopted_by_id=users["admin"].id, created_at=datetime(2026, 3, 1, 18, 30)))
    db.session.commit()
    login_as("admin")
    html = client.get("/reference/scoring").get_data(as_text=True)
    assert "2026-03-02 02:30" in html  # 18:30 UTC is 02:30 the next day in Beijing
    assert users["admin"].display_name in html
    assert "旧版准确率 91.2% / 65.5%" in html and "42" in html and "学习 · 已启用" in html
    assert "0.700" in html  # 当前使用
    response = post_form("/reference/scoring/defaults", page="/reference/scoring")
    assert response.status_code == 302
    html = client.get("/reference/scoring").get_data(as_text=True)
    assert "已恢复默认权重" in html and "恢复默认权重" in html
    assert db.session.query(ScoringWeightSet).count() == 2


def test_coordinator_sees_history_but_cannot_revert(client, login_as, post_form):
    login_as("coordinator")
    html = client.get("/reference/scoring").get_data(as_text=True)
    assert "学习与启用记录" in html and "一直使用默认权重" in html
    response = post_form("/reference/scoring/defaults", page="/reference/scoring")
    assert response.status_code == 403


def test_admin_sets_a_city_supporters_province_and_scoring_uses_it(
        client, login_as, post_form, fresh_reference, users):
    from tests import factories

    shenzhen = db.session.scalar(select(Pairing).where(Pairing.supporter_name == "深圳市"))
    assert shenzhen.supporter_region_code is None  # a city: no province code in the data
    org = factories.make_org(name="广东省民政厅", region_code="440000")
    need = factories.make_need(users["recipient"].organisation, region_code="540200")
    need.organisation.region_code = "653100"  # a 喀什 bureau
    need.region_code = shenzhen.recipient_region_code
    offer = factories.make_offer(org, sectors=("0104",))
    db.session.commit()
    before = ranking.score_pair(need, offer)["factors"]["region"]

    login_as("admin")
    response = post_form(f"/reference/pairings/{shenzhen.id}/edit",
                         {"supporter_region_code": "440000", "verified": "y", "active": "y",
                          "source_url": shenzhen.source_url, "notes": shenzhen.notes})
    assert response.status_code == 302
    after = ranking.score_pair(need, offer)["factors"]["region"]
    assert after > before and after >= 0.7
    bad = post_form(f"/reference/pairings/{shenzhen.id}/edit",
                    {"supporter_region_code": "540200", "active": "y"})
    assert bad.status_code == 422 and "省级" in bad.get_data(as_text=True)


def test_admin_learns_from_real_decisions_and_the_page_shows_the_held_out_comparison(
        client, login_as, post_form, users):
    from tests import decision_helpers as dh

    sides = users["recipient"].organisation, users["supporter"].organisation
    dh.decide_all(dh.make_needs(*sides, 24), users["coordinator"], dh.money_offer)
    login_as("admin")
    html = client.get("/reference/scoring").get_data(as_text=True)
    assert "确认 24 条，否决 0 条，谢绝 0 条" in html
    response = post_form("/reference/scoring/learn", page="/reference/scoring")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "依据 24 条需求的决定：确认 24 条" in html
    assert "较早的 17 条需求用于学习，最新的 7 条留出检验" in html
    assert "已启用这组学习权重" in html and "学习 · 已启用" in html
    assert "恢复默认权重" in html
    assert ranking.current_weights() != client.application.config["SCORING_WEIGHTS"]
