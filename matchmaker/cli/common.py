"""What every command shares: the unit of work with refusals as exit 1, lookups by name."""

from __future__ import annotations

import click

from .. import unit_of_work
from ..services.accounts import identity
from ..services.errors import DomainError
from ..services.organisations import directory


def fail(exc: DomainError):
    """Exit 1 with the service's Chinese message."""
    raise click.ClickException(exc.message) from None


def run(operation):
    """Run ``operation`` in the unit of work; a refusal exits 1 with its message."""
    try:
        return unit_of_work.run(operation)
    except DomainError as exc:
        fail(exc)


def user_or_fail(email: str):
    user = identity.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"用户 {email} 不存在。")
    return user


def org_or_fail(name: str):
    org = directory.get_by_name(name)
    if org is None:
        raise click.ClickException(f"单位“{name}”不存在。")
    return org
