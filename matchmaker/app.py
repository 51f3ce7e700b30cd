"""The application factory: ``create_app`` builds a configured Flask app."""

from __future__ import annotations

import secrets
import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import event

from .config import INSTANCE_PATH, get_config


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app. No side effects at import time."""
    app = Flask("matchmaker", template_folder="../templates", instance_path=str(INSTANCE_PATH))
    app.config.from_object(get_config(config_name))
    if overrides:
        app.config.update(overrides)
    _ensure_secret_key(app)
    app.json.ensure_ascii = False  # Chinese text as is in JSON (API contract)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_cli(app)
    return app


def _ensure_secret_key(app: Flask) -> None:
    """Production must set SECRET_KEY; development keeps a generated one in instance/."""
    key = app.config.get("SECRET_KEY")
    if key and app.config["ENV_NAME"] == "production" and len(str(key).encode()) < 32:
        raise RuntimeError("SECRET_KEY must be at least 32 bytes in production.")
    if key:
        return
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError("SECRET_KEY must be set in production.")
    path = INSTANCE_PATH / "secret_key"
    INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text().strip()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys and wait for locks instead of failing at once."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def register_listeners(app: Flask) -> None:
    """Bind database listeners to this app's engines and to the extension's session only
    (never to every Engine or Session class in the process); idempotent."""
    from . import unit_of_work
    from .extensions import db
    from .services.matching import index_queue
    from .services.platform import jobs

    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite" and not event.contains(
                    engine, "connect", _sqlite_pragmas):
                event.listen(engine, "connect", _sqlite_pragmas)
    jobs.register(db.session)
    index_queue.register(db.session)
    unit_of_work.on_commit(index_queue.drain)
    unit_of_work.on_commit(jobs.run_ready)


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401 - every table known to Alembic and the ORM
    from .extensions import compress, csrf, db, limiter, login_manager, migrate

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///"):
        INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
    if url not in ("sqlite://", "sqlite:///:memory:"):  # in-memory SQLite has no pool
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_size", app.config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", app.config["DB_MAX_OVERFLOW"])
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    compress.init_app(app)  # first: its after_request hook runs last
    db.init_app(app)
    register_listeners(app)
    migrate.init_app(app, db, directory=str(INSTANCE_PATH.parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        # The cookie carries a server-side session token, not the user id (auth/sessions.py).
        from .auth.sessions import load_user as load_session_user

        return load_session_user(user_id)


def register_blueprints(app: Flask) -> None:
    from .api import bp as api_bp
    from .api.docs import bp as api_docs_bp
    from .audit.routes import bp as audit_bp
    from .auth.routes import bp as auth_bp
    from .dashboard.routes import bp as dashboard_bp
    from .jobs.routes import bp as jobs_bp
    from .main.routes import bp as main_bp
    from .matches import bp as matches_bp
    from .needs.routes import bp as needs_bp
    from .offers.routes import bp as offers_bp
    from .orgs.routes import bp as orgs_bp
    from .reference.routes import bp as reference_bp
    from .screening.routes import bp as screening_bp
    from .sheets.routes import bp as sheets_bp
    from .users.routes import bp as users_bp

    for blueprint in (main_bp, auth_bp, reference_bp, needs_bp, offers_bp, sheets_bp, api_bp,
                      api_docs_bp, matches_bp, dashboard_bp, orgs_bp, screening_bp, audit_bp,
                      users_bp, jobs_bp):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_hooks(app: Flask) -> None:
    from . import assets, logs
    from .web import register

    logs.register(app)
    register(app)
    assets.register(app)


def register_cli(app: Flask) -> None:
    from .cli import register

    register(app)
