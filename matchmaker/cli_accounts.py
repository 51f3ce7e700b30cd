"""``flask users deactivate|reactivate`` and ``flask orgs status``: the account and
vetting services of the admin pages, from the command line (same rules, same audit)."""

from __future__ import annotations

import click

from . import unit_of_work
from .services.accounts import identity, lifecycle
from .services.errors import DomainError
from .services.organisations import directory, vetting


def _user_or_fail(email: str):
    user = identity.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"用户 {email} 不存在。")
    return user


@click.command("deactivate")
@click.argument("email")
def users_deactivate(email) -> None:
    """Deactivate EMAIL: it cannot log in; its sessions and tokens stop working at once."""
    user = _user_or_fail(email)
    try:
        unit_of_work.run(lambda: lifecycle.deactivate(user, by=None))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"已停用 {user.email}")


@click.command("reactivate")
@click.argument("email")
def users_reactivate(email) -> None:
    """Let a deactivated EMAIL log in again."""
    user = _user_or_fail(email)
    try:
        unit_of_work.run(lambda: lifecycle.reactivate(user, by=None))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"已恢复 {user.email}")


@click.command("status")
@click.argument("name")
@click.option("--to", "status", required=True,
              type=click.Choice(["verified", "pending", "suspended"]))
@click.option("--reason", required=True, help="变更理由（记入审计日志）")
def orgs_status(name, status, reason) -> None:
    """Change organisation NAME's status (the same rules and audit event as its page)."""
    org = directory.get_by_name(name)
    if org is None:
        raise click.ClickException(f"单位“{name}”不存在。")
    try:
        changes = unit_of_work.run(lambda: vetting.set_status(org, status, reason, by=None))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"已将“{org.name}”改为“{org.status_label}”。")
    flagged = (changes.get("flagged_matches") or [None, []])[1]
    if flagged:
        click.echo(f"需协调员关注的进行中对接：{len(flagged)} 项")
