"""Forms and records a clerk reads without training: the 完成 form validated on the server
in Chinese (no browser-English bubbles), contacts prefilled, the certificate dated and
signed, an organisation's 变更记录 by name and in words."""

from __future__ import annotations

import re

import pytest

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.services.localtime import beijing_now, format_date
from matchmaker.services.matching import lifecycle
from matchmaker.services.matching.lifecycle import Decision
from matchmaker.services.organisations import vetting
from tests import factories
from tests.dashboard_helpers import build


@pytest.fixture()
def accepted(ctx, users):
    need = factories.make_need(users["recipient"].organisation, budget_yuan=50_000)
    offer = factories.make_offer(users["supporter"].organisation, budget_yuan=80_000)
    db.session.commit()
    match = unit_of_work.run(lambda: lifecycle.decide(
        Decision(need.id, offer.id, "confirmed", 10_000), by=users["coordinator"]))
    for role in ("recipient", "supporter"):
        unit_of_work.run(lambda r=role: lifecycle.accept(match.id, by=users[r]))
    return match


def _forms(html: str) -> list[str]:
    return re.findall(r"<form [^>]*method=\"post\"[^>]*>", html)


def test_the_complete_form_is_checked_on_the_server_in_chinese(
        client, login_as, post_form, accepted):
    login_as("recipient")
    detail = f"/matches/{accepted.id}"
    html = client.get(detail).get_data(as_text=True)
    complete = [f for f in _forms(html) if "/complete" in f]
    assert complete and all("novalidate" in f for f in _forms(html) if "/logout" not in f)
    response = post_form(f"{detail}/complete", {"completed_on": "", "delivered_wan": ""},
                         page=detail, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "请填写完成日期" in text and "请填写实际到位资金" in text
    assert "Please fill" not in text


def test_the_confirmation_shows_the_date_in_chinese(client, login_as, post_form, accepted):
    login_as("recipient")
    detail = f"/matches/{accepted.id}"
    today = beijing_now().date()
    html = post_form(f"{detail}/complete", {"completed_on": today.isoformat(),
                                            "delivered_wan": "1"}, page=detail).get_data(
        as_text=True)
    assert f'data-testid="confirm-date">{format_date(today)}<' in html


@pytest.mark.parametrize("kind", ["needs", "offers"])
def test_a_new_item_offers_the_organisations_contact(client, login_as, users, kind):
    role = "recipient" if kind == "needs" else "supporter"
    org = users[role].organisation
    org.contact_name, org.contact_phone = "卓玛", "0892-8822334"
    db.session.commit()
    login_as(role)
    html = client.get(f"/{kind}/new").get_data(as_text=True)
    assert 'value="卓玛"' in html and 'value="0892-8822334"' in html


def test_without_an_organisation_contact_the_users_name_is_offered(client, login_as, users):
    login_as("recipient")
    html = client.get("/needs/new").get_data(as_text=True)
    assert f'value="{users["recipient"].display_name}"' in html


def test_the_certificate_carries_its_date_and_issuer(client, login_as, ctx):
    made = build()
    login_as("coordinator")
    org = made["orgs"]["shanghai"]
    html = client.get(f"/dashboard/honours/{org.id}?year=2025").get_data(as_text=True)
    today = format_date(beijing_now().date())
    assert re.search(r'data-testid="cert-date">\s*' + re.escape(today), html)
    assert re.search(r'data-testid="cert-issuer">\s*援藏援疆项目对接协调办公室', html)


def test_an_organisations_history_names_people_and_words(client, login_as, users):
    org = factories.make_org(name="某某基金会", kind="social_org", status="pending")
    db.session.commit()
    unit_of_work.run(lambda: vetting.set_status(org, "verified", reason="材料齐全",
                                                by=users["coordinator"]))
    login_as("coordinator")
    html = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    history = re.search(r"变更记录</h2>(.*?)</ul>", html, re.S).group(1)
    assert users["coordinator"].display_name in history
    assert users["coordinator"].email not in history
    assert "变更单位状态" in history and "待审核 → 已审核" in history
    assert "organisation." not in history and "status" not in history
