"""Consistent backups and restores: SQLite's online backup API, pg_dump/pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore with argument lists, no shell
from pathlib import Path

from sqlalchemy.engine import make_url

from ..extensions import db


class BackupError(RuntimeError):
    """Backup or restore failed; the message is Chinese and safe to show."""


def _sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("内存数据库无法备份。")
    return database


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The SQLAlchemy URL as libpq understands it (no +driver, no password), and the
    environment carrying the password: never on a command line other users can read."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql")._replace(password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}，请安装 PostgreSQL 客户端（postgresql-client）。")
    return path


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False,  # noqa: S603
                          env=env)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} 失败：{done.stderr.strip()[:500]}")


def backup(url: str, target: Path) -> Path:
    """Write a consistent copy of the database at ``url`` to ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch(mode=0o600)  # a copy of everyone's contact data: its owner reads it only
    target.chmod(0o600)
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url))
        dest = sqlite3.connect(target)
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
            source.close()
    elif url.startswith("postgresql"):
        dbname, env = _libpq(url)
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target),
              "--dbname", dbname], env)
    else:
        raise BackupError("只支持 SQLite 和 PostgreSQL 数据库。")
    return target


def restore(url: str, source: Path) -> None:
    """Replace the database at ``url`` with the copy in ``source``."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source}")
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold locks or stale schema
    if url.startswith("sqlite"):
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            src.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"不是有效的 SQLite 备份：{exc}") from None
        dest = sqlite3.connect(_sqlite_path(url))
        try:
            with dest:
                src.backup(dest)
        finally:
            dest.close()
            src.close()
    elif url.startswith("postgresql"):
        dbname, env = _libpq(url)
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", dbname, str(source)], env)
    else:
        raise BackupError("只支持 SQLite 和 PostgreSQL 数据库。")
