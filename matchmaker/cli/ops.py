"""Operations: nightly screening, backup and restore."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from ..ops import backup
from ..services.platform import audit
from .common import run


@click.command("screen")
@click.option("--background", is_flag=True, help="作为后台任务排队（REDIS_URL 时由 worker 运行）")
def screen_command(background: bool) -> None:
    """Screen every organisation against the 非法社会组织 lists (run nightly)."""
    from ..services.organisations import screening
    from ..services.platform import jobs

    if background:
        job = run(lambda: jobs.enqueue("screening.screen_all"))
        click.echo(f"已排队：后台任务 #{job.id}（名单筛查）。")
        return
    hits = run(screening.screen_all)
    click.echo(f"筛查完成：新发现线索 {hits} 条，待复核共 {screening.open_count()} 条。")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path) -> None:
    """Write a consistent copy of the database to PATH."""
    try:
        backup.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(path))
    except backup.BackupError as exc:
        error = str(exc)
        run(lambda: audit.record("database.backup", actor="命令行", result="failure",
                                 changes={"path": str(path), "error": error}))
        raise click.ClickException(error) from None
    run(lambda: audit.record("database.backup", actor="命令行", changes={"path": str(path)}))
    click.echo(f"已备份到 {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="不再询问，直接覆盖当前数据库")
def restore_command(path, yes) -> None:
    """Replace the database with the backup in PATH."""
    if not yes:
        click.confirm("恢复将覆盖当前数据库的全部数据，确定继续吗？", abort=True)
    try:
        backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(path))
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    # Recorded in the restored database: the audit log says when it was put back.
    run(lambda: audit.record("database.restore", actor="命令行", changes={"path": str(path)}))
    click.echo(f"已从 {path} 恢复")
