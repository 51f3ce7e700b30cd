"""``flask users deactivate|reactivate`` and ``flask orgs status``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Organisation
from matchmaker.services.accounts import identity
from tests.conftest import login


@pytest.fixture()
def cli(ctx):
    return ctx.test_cli_runner()


def test_deactivate_stops_sessions_and_tokens_at_once(app, cli, client, users):
    user = users["supporter"]
    login(client, user.email)
    token = identity.create_token(user)
    db.session.commit()
    result = cli.invoke(args=["users", "deactivate", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert client.get("/home").status_code == 302
    db.session.expire_all()
    assert identity.user_for_token(token) is None
    assert login(app.test_client(), user.email).status_code == 401
    again = cli.invoke(args=["users", "deactivate", user.email])
    assert again.exit_code != 0 and "已停用" in again.output

    assert cli.invoke(args=["users", "reactivate", user.email]).exit_code == 0
    assert login(app.test_client(), user.email).status_code == 302
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "user.deactivate" in actions and "user.reactivate" in actions


def test_unknown_user_fails(cli):
    result = cli.invoke(args=["users", "deactivate", "nobody@example.cn"])
    assert result.exit_code != 0 and "不存在" in result.output


def test_orgs_status_uses_the_vetting_rules_and_audit(cli, users):
    org = users["recipient"].organisation
    result = cli.invoke(args=["orgs", "status", org.name, "--to", "suspended",
                              "--reason", "名单核查"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).status == "suspended"
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "organisation.status"))
    assert event.changes["status"] == ["verified", "suspended"]
    same = cli.invoke(args=["orgs", "status", org.name, "--to", "suspended", "--reason", "x"])
    assert same.exit_code != 0 and "已是" in same.output
    blank = cli.invoke(args=["orgs", "status", org.name, "--to", "verified", "--reason", " "])
    assert blank.exit_code != 0 and "理由" in blank.output
    missing = cli.invoke(args=["orgs", "status", "不存在的单位", "--to", "verified",
                               "--reason", "x"])
    assert missing.exit_code != 0
