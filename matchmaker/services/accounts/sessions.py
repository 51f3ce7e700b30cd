"""Server-side sign-in sessions: the browser holds only a random token.

A session ends on logout, a password change (the other sessions), deactivation, an
admin's request, after ``idle`` without a request, or ``absolute`` after sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ...extensions import db
from ...models import User, UserSession
from ...models.base import utcnow

#: ``last_seen_at`` is written at most this often (not once per request).
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)


def digest(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, *, ip: str | None, user_agent: str = "", now: datetime | None = None
          ) -> str:
    """Open a session for ``user`` and return its token (only its digest is stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=digest(token), user_id=user.id, created_at=now,
                               last_seen_at=now, ip=ip, user_agent=(user_agent or "")[:255]))
    db.session.flush()
    return token


def resume(token: str, policy: SessionPolicy, *, now: datetime | None = None) -> User | None:
    """The active user of a live session, or None; ends a session found expired and
    refreshes ``last_seen_at`` when it is older than :data:`TOUCH_EVERY`."""
    if not token:
        return None
    now = now or utcnow()
    row = db.session.get(UserSession, digest(token))
    if row is None or row.ended_at is not None:
        return None
    reason = None
    if not row.user.active:
        reason = "deactivated"
    elif now - row.created_at >= policy.absolute:
        reason = "expired"
    elif now - row.last_seen_at >= policy.idle:
        reason = "idle"
    if reason:
        row.ended_at, row.end_reason = now, reason
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return row.user


def end(token: str, *, reason: str = "logout", now: datetime | None = None) -> bool:
    """End the session ``token`` names; return whether it was live."""
    row = db.session.get(UserSession, digest(token)) if token else None
    if row is None or row.ended_at is not None:
        return False
    row.ended_at, row.end_reason = now or utcnow(), reason
    return True


def end_all(user: User, *, reason: str, keep_token: str | None = None,
            now: datetime | None = None) -> int:
    """End every live session of ``user`` (except ``keep_token``'s); return how many."""
    stmt = (update(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .values(ended_at=now or utcnow(), end_reason=reason)
            .execution_options(synchronize_session="fetch"))
    if keep_token:
        stmt = stmt.where(UserSession.id != digest(keep_token))
    return db.session.execute(stmt).rowcount


def live_count(user: User) -> int:
    """How many sessions of ``user`` are open (not ended; expiry is checked on use)."""
    return len(db.session.scalars(select(UserSession.id).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None))).all())
