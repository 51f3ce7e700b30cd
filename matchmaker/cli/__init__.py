"""``flask`` commands for set-up and operations, by feature: ``setup`` (seed, demo),
``accounts`` (orgs, users), ``lists`` (import, rank), ``index`` (rebuild), ``ops`` (screen,
backup, restore), ``jobs`` (worker). Every command that writes goes through the unit of work
(``common.run``)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from .accounts import orgs_cli, users_cli
    from .index import index_cli
    from .jobs import worker_command
    from .lists import import_command, rank_command
    from .ops import backup_command, restore_command, screen_command
    from .setup import demo_accounts_command, demo_command, seed_command

    for command in (seed_command, demo_command, demo_accounts_command, orgs_cli, users_cli,
                    rank_command, import_command, screen_command, backup_command,
                    restore_command, index_cli, worker_command):
        app.cli.add_command(command)
