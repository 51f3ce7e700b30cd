"""An admin's side of accounts: listing users, deactivating and reactivating them,
unlocking, resetting passwords, revoking tokens and ending sessions. Every change is
audited; a deactivated user's sessions and tokens stop working at once."""

from __future__ import annotations

import secrets
import string
from datetime import datetime

from sqlalchemy import Select, or_, select
from werkzeug.security import generate_password_hash

from ...models import Organisation, User
from ...models.base import utcnow
from ..errors import Conflict, DomainError
from ..platform import audit
from . import identity, sessions

#: Account states shown to admins.
STATUS_LABELS = {"active": "正常", "deactivated": "已停用", "locked": "已锁定"}


def status_of(user: User, now: datetime | None = None) -> str:
    """``deactivated``, ``locked`` (a login lock in force) or ``active``."""
    if not user.active:
        return "deactivated"
    return "locked" if user.is_locked(now) else "active"


def users_query(*, q: str = "", status: str | None = None,
                now: datetime | None = None) -> Select:
    """Users of every organisation, newest first, filtered by e-mail/name and state."""
    now = now or utcnow()
    stmt = select(User).outerjoin(Organisation, User.organisation_id == Organisation.id)
    q = (q or "").strip()
    if q:
        like = f"%{q.lower().replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(User.email.like(like), User.display_name.like(f"%{q}%")))
    if status == "deactivated":
        stmt = stmt.where(User.active.is_(False))
    elif status == "locked":
        stmt = stmt.where(User.active.is_(True), User.locked_until > now)
    elif status == "active":
        stmt = stmt.where(User.active.is_(True),
                          or_(User.locked_until.is_(None), User.locked_until <= now))
    return stmt.order_by(User.id.desc())


def _not_self(user: User, by: User | None, what: str) -> None:
    if by is not None and by.id == user.id:
        raise DomainError(f"不能{what}自己的账户。")


def deactivate(user: User, *, by: User | None, ip: str | None = None) -> None:
    """Stop ``user`` from signing in; their sessions end and their tokens are revoked."""
    _not_self(user, by, "停用")
    if not user.active:
        raise Conflict("该账户已停用。")
    user.active = False
    ended = sessions.end_all(user, reason="deactivated")
    revoked = identity.revoke_all_tokens(user)
    audit.record("user.deactivate", user=by, entity=user, ip=ip,
                 changes={"active": [True, False], "sessions_ended": [None, ended],
                          "tokens_revoked": [None, revoked]})


def reactivate(user: User, *, by: User | None, ip: str | None = None) -> None:
    """Let a deactivated user sign in again (old tokens stay revoked)."""
    if user.active:
        raise Conflict("该账户未停用。")
    user.active = True
    user.failed_login_count = 0
    user.locked_until = None
    audit.record("user.reactivate", user=by, entity=user, ip=ip,
                 changes={"active": [False, True]})


def unlock(user: User, *, by: User | None, ip: str | None = None) -> None:
    """Lift a login lock."""
    if not user.is_locked():
        raise Conflict("该账户当前未被锁定。")
    audit.record("user.unlock", user=by, entity=user, ip=ip,
                 changes={"locked_until": [user.locked_until, None]})
    user.locked_until = None
    user.failed_login_count = 0


def temporary_password() -> str:
    """A random password that meets the password rules (shown to the admin once)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(12))
        candidate = f"{body[:6]}-{body[6:]}"
        if not identity.password_problems(candidate) and any(c.isupper() for c in body) \
                and any(c.islower() for c in body) and any(c.isdigit() for c in body):
            return candidate


def reset_password(user: User, *, by: User | None, ip: str | None = None) -> str:
    """Give ``user`` a temporary password they must change at their next sign-in; their
    sessions end and tokens are revoked. Returns the temporary password."""
    _not_self(user, by, "重置")
    password = temporary_password()
    user.password_hash = generate_password_hash(password, method=identity.PASSWORD_METHOD)
    user.must_change_password = True
    user.failed_login_count = 0
    user.locked_until = None
    ended = sessions.end_all(user, reason="admin")
    revoked = identity.revoke_all_tokens(user)
    audit.record("user.password_reset", user=by, entity=user, ip=ip,
                 changes={"must_change_password": [False, True],
                          "sessions_ended": [None, ended], "tokens_revoked": [None, revoked]})
    return password


def revoke_tokens(user: User, *, by: User | None, ip: str | None = None) -> int:
    """Revoke every API token of ``user``; return how many."""
    revoked = identity.revoke_all_tokens(user)
    audit.record("user.tokens_revoke", user=by, entity=user, ip=ip,
                 changes={"tokens_revoked": [None, revoked]})
    return revoked


def end_sessions(user: User, *, by: User | None, ip: str | None = None,
                 keep_token: str | None = None) -> int:
    """End every session of ``user`` (but ``keep_token``'s); return how many."""
    ended = sessions.end_all(user, reason="admin", keep_token=keep_token)
    audit.record("user.sessions_end", user=by, entity=user, ip=ip,
                 changes={"sessions_ended": [None, ended]})
    return ended
