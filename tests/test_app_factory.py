"""The package imports nothing heavy, and the factory's listeners stay on its own engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from matchmaker.app import create_app
from matchmaker.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,  # noqa: S603
                          text=True, timeout=120, check=False)


def test_scoring_imports_without_flask_or_sqlalchemy():
    done = _python("import matchmaker.scoring, sys; "
                   "assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules")
    assert done.returncode == 0, done.stderr


def test_scoring_import_loads_neither_sklearn_nor_jieba():
    done = _python("import matchmaker.scoring, sys; "
                   "assert not [m for m in ('sklearn', 'jieba') if m in sys.modules]")
    assert done.returncode == 0, done.stderr


def test_create_app_is_still_reachable_from_the_package():
    done = _python("import matchmaker; from matchmaker import create_app; "
                   "from matchmaker.app import create_app as real; assert create_app is real")
    assert done.returncode == 0, done.stderr


def test_app_engine_enforces_foreign_keys(ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_other_engines_keep_sqlite_defaults(app):
    """Creating the app binds the pragmas to its engine, not to every Engine in the process."""
    create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with create_engine("sqlite://").connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 0


def test_creating_the_app_loads_no_sheet_or_queue_library():
    """Every ``flask`` command builds the app: openpyxl loads when a workbook is written or
    read, Redis and RQ when REDIS_URL is set, and the dummy password hash is made on first
    use, not at import (they cost ~0.6 s of every command's start-up)."""
    done = _python(
        "import sys; from matchmaker.app import create_app; "
        "create_app('testing', {'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
        "from matchmaker.services.accounts import identity; "
        "print(sorted(m for m in ('openpyxl', 'redis', 'rq') if m in sys.modules)); "
        "print(identity._dummy_hash.cache_info().currsize)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "0"]
