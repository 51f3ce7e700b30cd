"""Flask side of server-side sessions: the user loader, signing in and out, and the
request hooks (forced password change, no caching of signed-in pages)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from .. import unit_of_work
from ..assets import PUBLIC_ENDPOINTS
from ..extensions import db
from ..models import User
from ..services.accounts import sessions
from ..web import client_ip

#: Pages a user who must change the password can still reach.
PASSWORD_CHANGE_ENDPOINTS = {"auth.profile", "auth.change_password", "auth.logout", "static",
                             "main.healthz"}


def policy() -> sessions.SessionPolicy:
    """Idle timeout (``PERMANENT_SESSION_LIFETIME``) and absolute lifetime from config."""
    cfg = current_app.config
    idle = cfg["PERMANENT_SESSION_LIFETIME"]
    if not isinstance(idle, timedelta):
        idle = timedelta(seconds=int(idle))
    return sessions.SessionPolicy(idle=idle,
                                  absolute=timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"]))


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the cookie's token names a live server-side session."""
    user = sessions.resume(token, policy())
    if db.session.dirty:  # an expiry or the once-a-minute last_seen_at
        unit_of_work.run(lambda: None)
    if user is not None:
        user.session_token = token
    return user


def current_token() -> str:
    """The server-side session token of this request ('' when signed out)."""
    return session.get("_user_id") or ""


def sign_in(user: User) -> None:
    """Start a server-side session for ``user`` and put only its token in the cookie."""
    token = unit_of_work.run(lambda: sessions.start(
        user, ip=client_ip(), user_agent=request.headers.get("User-Agent", "")))
    session.clear()  # session fixation: nothing from before the login survives
    user.session_token = token
    login_user(user)


def sign_out(record=None) -> None:
    """End this request's server-side session (with ``record()``, e.g. the audit event, in
    the same unit of work) and clear the cookie."""
    def end():
        if record is not None:
            record()
        sessions.end(current_token(), reason="logout")

    unit_of_work.run(end)
    logout_user()
    session.clear()


def register(app: Flask) -> None:
    """Install the request hooks (called once by the auth blueprint)."""

    @app.before_request
    def require_password_change():
        # Loading the user here (first thing) keeps the loader's commit away from a view's
        # half-done work.
        if not current_user.is_authenticated or not current_user.must_change_password:
            return None
        if request.endpoint in PASSWORD_CHANGE_ENDPOINTS or request.path.startswith("/api/"):
            return None
        return redirect(url_for("auth.profile"))

    @app.after_request
    def no_store_when_signed_in(response):
        # Signed-in pages and exports hold personal data: never keep them in a cache.
        # Static files and the icon are the same for everyone (assets.py caches them).
        if request.endpoint in PUBLIC_ENDPOINTS:
            return response
        if "_user_id" in session or request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response
