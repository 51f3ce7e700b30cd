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
