"""``flask backup`` / ``flask restore``: a round trip loses nothing."""

from __future__ import annotations

import os
import shutil

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Organisation, User
from matchmaker.ops import backup
from matchmaker.services.reference import seed
from tests import factories


def _snapshot() -> dict:
    return {
        "orgs": db.session.execute(select(Organisation.name, Organisation.status,
                                          Organisation.uscc).order_by(Organisation.name)).all(),
        "users": db.session.execute(select(User.email, User.password_hash)
                                    .order_by(User.email)).all(),
        "audit": db.session.scalar(select(func.count(AuditEvent.id))),
    }


def _last_action() -> str:
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first()


def _fill():
    org = factories.make_org(name="备份测试基金会", kind="social_org", uscc="53100000500019795A")
    factories.make_user("supporter", org=org, email="backup@example.cn")
    factories.make_need(factories.make_org(name="备份受援局"), title="备份需求")
    db.session.commit()


def _round_trip(app, tmp_path):
    runner = app.test_cli_runner()
    with app.app_context():
        _fill()
        before = _snapshot()
    target = tmp_path / "backup.dump"
    with app.app_context():
        result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    assert target.stat().st_mode & 0o077 == 0  # readable by its owner only
    with app.app_context():
        assert _last_action() == "database.backup"
        db.session.execute(text("DELETE FROM users"))
        db.session.execute(text("UPDATE organisations SET status = 'suspended'"))
        db.session.commit()
        assert _snapshot() != before
    with app.app_context():
        result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _last_action() == "database.restore"  # the restored log says so
        after = _snapshot()
        assert after["audit"] == before["audit"] + 1
        assert {**after, "audit": before["audit"]} == before
        assert db.session.scalar(select(func.count()).select_from(text("needs"))) == 1


def test_sqlite_round_trip(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        seed.seed_all()
        db.session.commit()
    _round_trip(app, tmp_path)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.skipif(not (os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")
                         and shutil.which("pg_dump")),
                    reason="needs TEST_DATABASE_URL on PostgreSQL and pg_dump")
def test_postgres_round_trip(app, tmp_path):
    try:
        _round_trip(app, tmp_path)
    finally:
        with app.app_context():
            db.session.remove()
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in {"regions", "sectors", "pairings", "alembic_version"}:
                    db.session.execute(table.delete())
            db.session.commit()


def test_restore_refuses_missing_or_bad_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all" * 10)
    with app.app_context():
        with pytest.raises(backup.BackupError):
            backup.restore(url, tmp_path / "missing")
        with pytest.raises(backup.BackupError):
            backup.restore(url, bad)
        with pytest.raises(backup.BackupError):
            backup.backup("sqlite://", tmp_path / "mem")
        result = app.test_cli_runner().invoke(args=["restore", "--yes", str(bad)])
        db.engine.dispose()
    assert result.exit_code != 0 and "不是有效的 SQLite 备份" in result.output


def test_the_database_password_never_reaches_the_command_line():
    dbname, env = backup._libpq("postgresql+psycopg://app:s3cret@db.example/matchmaker")
    assert "s3cret" not in dbname
    assert dbname == "postgresql://app@db.example/matchmaker"
    assert env["PGPASSWORD"] == "s3cret"
