"""The flask commands the contract relies on: seed, demo, orgs create, users create/token."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Need, Offer, Organisation, Pairing, Region, User
from matchmaker.services.accounts import identity
from tests.conftest import login


@pytest.fixture()
def cli(ctx):
    return ctx.test_cli_runner()


def test_seed_is_idempotent(cli):
    result = cli.invoke(args=["seed"])
    assert result.exit_code == 0
    assert "地区 +0，领域 +0，对口支援关系 +0" in result.output


def test_orgs_create_prints_the_id_and_defaults_to_verified(cli):
    result = cli.invoke(args=["orgs", "create", "--name", "阿里地区民政局", "--kind", "bureau",
                              "--region", "542500"])
    assert result.exit_code == 0, result.output
    org = db.session.get(Organisation, int(result.output.strip()))
    assert org.name == "阿里地区民政局" and org.status == "verified"


def test_orgs_create_with_an_existing_name_fails_and_changes_nothing(cli):
    args = ["orgs", "create", "--name", "某基金会", "--kind", "social_org", "--region", "310000",
            "--legal-form", "基金会", "--uscc", "53100000500019795A"]
    assert cli.invoke(args=args).exit_code == 0
    again = cli.invoke(args=args)
    assert again.exit_code == 1
    assert "已存在" in again.output
    assert db.session.scalar(select(func.count(Organisation.id))) == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--region", "999999"], "未知地区代码"),
        (["--region", "310000", "--uscc", "53100000500019795B"], "校验位"),
    ],
)
def test_orgs_create_rejects_bad_input(cli, extra, message):
    result = cli.invoke(args=["orgs", "create", "--name", "甲", "--kind", "bureau", *extra])
    assert result.exit_code == 1
    assert message in result.output


def test_users_create_and_token(cli, client):
    cli.invoke(args=["orgs", "create", "--name", "喀什地区民政局", "--kind", "bureau",
                     "--region", "653100"])
    result = cli.invoke(args=["users", "create", "--email", "kashi@example.cn", "--password",
                              "Kashi-2026!", "--role", "recipient", "--org", "喀什地区民政局"])
    assert result.exit_code == 0, result.output
    assert login(client, "kashi@example.cn", "Kashi-2026!").status_code == 302

    token = cli.invoke(args=["users", "token", "kashi@example.cn"])
    assert token.exit_code == 0
    lines = token.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mm_")
    assert identity.user_for_token(lines[0]).email == "kashi@example.cn"


def test_users_create_refuses_a_weak_password_and_unknown_org(cli):
    weak = cli.invoke(args=["users", "create", "--email", "a@example.cn", "--password", "123",
                            "--role", "coordinator"])
    assert weak.exit_code == 1 and "密码至少 8 位" in weak.output
    unknown = cli.invoke(args=["users", "create", "--email", "a@example.cn", "--password",
                               "Good-Pass-1", "--role", "recipient", "--org", "不存在的单位"])
    assert unknown.exit_code == 1 and "不存在" in unknown.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_demo_is_realistic_and_idempotent(app, cli, client):
    first = cli.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = cli.invoke(args=["demo"])
    assert "单位 +0，用户 +0，需求 +0，供给 +0" in second.output

    needs = db.session.scalars(select(Need)).all()
    offers = db.session.scalars(select(Offer)).all()
    assert len(needs) >= 40 and len(offers) >= 40
    provinces = {n.region.province_code for n in needs}
    assert provinces == {"540000", "650000", "XJBT00"}
    recipient_regions = {n.organisation.region_code for n in needs}
    assert len(recipient_regions) >= 6
    budgets = [x.budget_yuan for x in [*needs, *offers]]
    assert min(budgets) >= 50_000 and max(budgets) <= 5_000_000
    roles = Counter(db.session.scalars(select(User.role)))
    assert set(roles) == {"recipient", "supporter", "coordinator", "admin"}
    supporters = {o.organisation for o in offers}
    assert len(supporters) >= 6

    # A supporter bureau's target regions follow its official pairings.
    pairs = set(db.session.execute(
        select(Pairing.supporter_region_code, Pairing.recipient_region_code)))
    for offer in offers:
        if offer.organisation.kind != "bureau":
            continue
        for region in offer.target_regions:
            chain = {region.code, region.parent_code}
            assert any((offer.organisation.region_code, c) in pairs for c in chain), (
                offer.title, region.name)

    # Every demo user logs in with the demo password.
    assert login(client, "coordinator@example.cn", app.config["DEMO_PASSWORD"]).status_code == 302


def test_need_regions_lie_in_the_posting_bureaus_region(cli):
    cli.invoke(args=["demo"])
    for need in db.session.scalars(select(Need)):
        region = need.region
        org_region = need.organisation.region_code
        assert org_region in (region.code, region.parent_code), (need.title, region.name)
        assert db.session.get(Region, org_region).is_recipient
