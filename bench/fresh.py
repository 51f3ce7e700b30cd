"""A benchmark's database from scratch: the schema by migrations and the reference data.

Call inside an app context. On PostgreSQL the public schema is dropped first (use a scratch
database); a SQLite file is expected to be new.
"""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from matchmaker.extensions import db
from matchmaker.services.reference import seed


def fresh_database() -> None:
    """Empty the database, migrate it to head and load the reference data (committed)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade()
    seed.seed_all()
    db.session.commit()
