"""Organisation pages: list, detail, status changes, registration, re-authentication."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Organisation, User
from matchmaker.services.errors import Forbidden
from matchmaker.services.lists import rules
from matchmaker.services.matching import lifecycle, ranking
from tests import factories
from tests.conftest import csrf_from

VALID_USCC = "51100000500002862F"  # 中国自动化学会 (社会团体)


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _live_match(users):
    need = factories.make_need(users["recipient"].organisation)
    offer = factories.make_offer(users["supporter"].organisation)
    db.session.commit()
    decision = lifecycle.Decision(need.id, offer.id, "confirmed", 1000)
    return unit_of_work.run(lambda: lifecycle.decide(decision, by=users["coordinator"]))


def test_list_filters_and_pagination(client, login_as):
    for i in range(25):
        factories.make_org(name=f"筛选单位{i:02d}", kind="social_org", status="pending")
    factories.make_org(name="另一个基金会", kind="social_org", status="verified")
    db.session.commit()
    login_as("coordinator")
    html = client.get("/orgs?status=pending&q=筛选单位").get_data(as_text=True)
    assert "共 25 家" in html and "另一个基金会" not in html
    page2 = client.get("/orgs?status=pending&q=筛选单位&page=2").get_data(as_text=True)
    assert page2.count("筛选单位") >= 5
    assert client.get("/orgs?page=999&status=bogus&kind=x").status_code == 200
    html = client.get("/orgs?kind=social_org&status=verified").get_data(as_text=True)
    assert "另一个基金会" in html


def test_coordinator_changes_status_with_reason(client, login_as, post_form, users):
    org = factories.make_org(name="待审基金会", kind="social_org", status="pending")
    db.session.commit()
    login_as("coordinator")
    page = f"/orgs/{org.id}"
    response = post_form(f"/orgs/{org.id}/status", {"status": "verified", "reason": ""}, page)
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.status == "pending"
    post_form(f"/orgs/{org.id}/status", {"status": "verified", "reason": "核实登记证书"}, page)
    db.session.refresh(org)
    assert (org.status, org.status_reason) == ("verified", "核实登记证书")
    event = _events("organisation.status")[0]
    assert event.changes["status"] == ["pending", "verified"]
    assert event.user_id == users["coordinator"].id and event.entity_id == str(org.id)
    assert "核实登记证书" in client.get(page).get_data(as_text=True)


def test_admin_must_confirm_password(client, login_as, post_form):
    org = factories.make_org(name="某协会", kind="social_org", status="verified")
    db.session.commit()
    login_as("admin")
    page = f"/orgs/{org.id}"
    assert 'name="password"' in client.get(page).get_data(as_text=True)
    data = {"status": "suspended", "reason": "线索核查", "password": "wrong"}
    post_form(f"/orgs/{org.id}/status", data, page)
    db.session.refresh(org)
    assert org.status == "verified"
    assert _events("reauth.failure")
    post_form(f"/orgs/{org.id}/status", {**data, "password": factories.PASSWORD}, page)
    db.session.refresh(org)
    assert org.status == "suspended"


def test_suspension_flags_live_matches_and_drops_items_from_ranking(
        client, login_as, post_form, users):
    match = _live_match(users)
    org = users["supporter"].organisation
    other_offer = factories.make_offer(org)
    db.session.commit()
    assert other_offer.id in set(ranking.load_offers().ids.tolist())
    login_as("coordinator")
    post_form(f"/orgs/{org.id}/status", {"status": "suspended", "reason": "涉嫌非法"},
              f"/orgs/{org.id}")
    db.session.refresh(org)
    assert org.status == "suspended"
    event = _events("organisation.status")[0]
    assert event.changes["flagged_matches"] == [None, [match.id]]
    assert other_offer.id not in set(ranking.load_offers().ids.tolist())
    page = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert 'data-testid="flagged-matches"' in page and f"#{match.id}" in page
    home = client.get("/home").get_data(as_text=True)
    assert 'data-testid="flagged-matches"' in home and f"#{match.id}" in home


def test_org_users_see_own_page_only(client, login_as, users):
    login_as("recipient")
    own = users["recipient"].organisation_id
    assert client.get(f"/orgs/{own}").status_code == 200
    assert client.get(f"/orgs/{users['supporter'].organisation_id}").status_code == 403
    assert client.get("/orgs/999999").status_code == 404


@pytest.mark.parametrize("status", ["pending", "suspended"])
def test_items_of_an_organisation_not_in_good_standing_are_refused(ctx, status):
    org = factories.make_org(status=status)
    with pytest.raises(Forbidden):
        rules.ensure_org_may_act(org)
    org.status = "verified"
    rules.ensure_org_may_act(org)


REGISTRATION = {
    "name": "中国自动化学会", "kind": "social_org", "region": "110000", "uscc": VALID_USCC,
    "legal_form": "社会团体", "registration_authority": "民政部", "is_charity": "y",
    "contact_name": "王老师", "contact_phone": "13800001234",
    "contact_email": "contact@example.cn", "role": "supporter", "display_name": "王老师",
    "email": "wang@example.cn", "password": "Secret#2026", "confirm": "Secret#2026",
}


def test_self_service_registration(client, post_form):
    assert client.get("/register").status_code == 200
    response = post_form("/register", REGISTRATION, "/register")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    org = db.session.scalar(select(Organisation).where(Organisation.name == "中国自动化学会"))
    assert (org.status, org.uscc, org.legal_form, org.registration_authority) == (
        "pending", VALID_USCC, "社会团体", "民政部")
    assert org.is_charity and not org.has_public_fundraising
    user = db.session.scalar(select(User).where(User.email == "wang@example.cn"))
    assert user.organisation_id == org.id and user.role == "supporter"
    assert _events("organisation.register") and _events("organisation.create")


@pytest.mark.parametrize(("change", "message"), [
    ({"uscc": "51100000500002862X"}, "校验位不正确"),
    ({"uscc": "5110000050000286"}, "18 位"),
    ({"region": "999999"}, "未知地区代码"),
    ({"legal_form": "公司"}, "请从列表中选择"),
    ({"password": "short", "confirm": "short"}, "密码至少 8 位"),
    ({"confirm": "other"}, "两次输入的密码不一致"),
    ({"is_charity": "", "has_public_fundraising": "y"}, "须为慈善组织"),
    ({"kind": "bogus"}, "请从列表中选择"),
])
def test_registration_rejects_bad_input(client, post_form, change, message):
    response = post_form("/register", {**REGISTRATION, **change}, "/register")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Organisation).where(Organisation.name == "中国自动化学会")) \
        is None


def test_registration_warns_about_legal_form_mismatch(client, post_form):
    response = post_form("/register", {**REGISTRATION, "legal_form": "基金会"}, "/register",
                         follow_redirects=True)
    assert "与填写的组织形式“基金会”不一致" in response.get_data(as_text=True)


def test_registration_duplicate_email_is_not_revealed(app, client, post_form, users):
    """A taken address gets the same answer as a new one, and nothing is kept."""
    fresh = post_form("/register", REGISTRATION, "/register", follow_redirects=True)
    taken = app.test_client()
    html = taken.get("/register").get_data(as_text=True)
    data = {**REGISTRATION, "name": "中国测绘学会", "uscc": "", "email": users["admin"].email,
            "csrf_token": csrf_from(html)}
    response = taken.post("/register", data=data, follow_redirects=True)
    assert response.status_code == fresh.status_code == 200
    for answer in (fresh, response):
        text = answer.get_data(as_text=True)
        assert "注册已提交" in text and "已被使用" not in text
    assert db.session.scalar(select(Organisation).where(Organisation.name == "中国测绘学会")) \
        is None
    refused = [e for e in _events("organisation.register") if e.result == "refused"]
    assert refused and refused[0].actor == users["admin"].email


def test_registration_with_taken_email_still_reports_form_errors(client, post_form, users):
    data = {**REGISTRATION, "email": users["admin"].email, "password": "short",
            "confirm": "short"}
    response = post_form("/register", data, "/register")
    assert response.status_code == 422 and "密码至少 8 位" in response.get_data(as_text=True)


def test_admin_entry(client, login_as, post_form):
    login_as("admin")
    data = {k: REGISTRATION[k] for k in ("name", "kind", "region", "uscc", "legal_form",
                                         "registration_authority")}
    response = post_form("/orgs/new", {**data, "status": "verified"}, "/orgs/new")
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.name == "中国自动化学会"))
    assert org.status == "verified"


def test_login_clears_the_session(client, users):
    with client.session_transaction() as session:
        session["planted"] = "attacker"
    from tests.conftest import login

    assert login(client, users["coordinator"].email).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")
