"""``flask orgs …`` and ``flask users …``: the account and vetting services of the admin
pages, from the command line (same rules, same audit events)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..models.organisations import LEGAL_FORMS
from ..services.accounts import identity, lifecycle
from ..services.organisations import directory, vetting
from .common import org_or_fail, run, user_or_fail

orgs_cli = AppGroup("orgs", help="管理单位 (organisations).")
users_cli = AppGroup("users", help="管理用户 (users).")


@orgs_cli.command("create")
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice(["bureau", "social_org"]))
@click.option("--region", "region_code", required=True, help="GB/T 2260 code, e.g. 540200")
@click.option("--uscc", default=None, help="统一社会信用代码")
@click.option("--legal-form", default=None, type=click.Choice(list(LEGAL_FORMS)))
@click.option("--status", default="verified", type=click.Choice(["pending", "verified"]))
def orgs_create(name, kind, region_code, uscc, legal_form, status) -> None:
    """Create an organisation and print its id."""
    org, warnings = run(lambda: directory.create_organisation(
        name=name, kind=kind, region_code=region_code, uscc_code=uscc,
        legal_form=legal_form, status=status))
    for warning in warnings:
        click.echo(f"注意：{warning}", err=True)
    click.echo(org.id)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["recipient", "supporter", "coordinator", "admin"])
)
@click.option("--org", "org_name", default=None, help="organisation name")
@click.option("--name", "display_name", default="", help="display name")
def users_create(email, password, role, org_name, display_name) -> None:
    """Create a user."""
    org = org_or_fail(org_name) if org_name else None
    user = run(lambda: identity.create_user(
        email=email, password=password, role=role, display_name=display_name,
        organisation=org))
    click.echo(f"用户 {user.email}（{user.role_label}）已创建，id {user.id}")


@users_cli.command("token")
@click.argument("email")
def users_token(email) -> None:
    """Print a new API token for EMAIL (the token alone on one line)."""
    user = user_or_fail(email)
    token = run(lambda: identity.create_token(
        user, "命令行生成", days=current_app.config["API_TOKEN_DAYS"]))
    click.echo(token)


@users_cli.command("unlock")
@click.argument("email")
def users_unlock(email) -> None:
    """Lift a login lock on EMAIL."""
    user = user_or_fail(email)
    run(lambda: identity.unlock(user))
    click.echo(f"已解锁 {user.email}")


@users_cli.command("deactivate")
@click.argument("email")
def users_deactivate(email) -> None:
    """Deactivate EMAIL: it cannot log in; its sessions and tokens stop working at once."""
    user = user_or_fail(email)
    run(lambda: lifecycle.deactivate(user, by=None))
    click.echo(f"已停用 {user.email}")


@users_cli.command("reactivate")
@click.argument("email")
def users_reactivate(email) -> None:
    """Let a deactivated EMAIL log in again."""
    user = user_or_fail(email)
    run(lambda: lifecycle.reactivate(user, by=None))
    click.echo(f"已恢复 {user.email}")


@orgs_cli.command("status")
@click.argument("name")
@click.option("--to", "status", required=True,
              type=click.Choice(["verified", "pending", "suspended"]))
@click.option("--reason", required=True, help="变更理由（记入审计日志）")
def orgs_status(name, status, reason) -> None:
    """Change organisation NAME's status (the same rules and audit event as its page)."""
    org = org_or_fail(name)
    changes = run(lambda: vetting.set_status(org, status, reason, by=None))
    click.echo(f"已将“{org.name}”改为“{org.status_label}”。")
    flagged = (changes.get("flagged_matches") or [None, []])[1]
    if flagged:
        click.echo(f"需协调员关注的进行中对接：{len(flagged)} 项")
