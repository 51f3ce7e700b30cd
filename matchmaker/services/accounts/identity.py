"""Accounts: users, passwords, logins with throttling, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ...extensions import db
from ...models import ApiToken, AuditEvent, Organisation, User
from ...models.base import utcnow
from ...models.users import ROLES
from ..errors import Conflict, DomainError, NotFound, Throttled
from ..platform import audit
from . import sessions

PASSWORD_METHOD = "scrypt"  # noqa: S105 - a hash scheme name
TOKEN_PREFIX = "mm_"  # noqa: S105 - marks platform tokens
#: A token's last_used_at is written at most this often (not on every request).
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "common-passwords.txt"
BAD_CREDENTIALS = "邮箱或密码不正确。"
LOCKED = "登录失败次数过多，该账户已临时锁定，请 {minutes} 分钟后再试，或联系管理员解锁。"
IP_THROTTLED = "此网络地址登录失败次数过多，请 {minutes} 分钟后再试。"


@cache
def _dummy_hash() -> str:
    """A hash to check unknown or locked accounts against (same cost as a real check),
    made on first use: hashing at import made every process and command ~0.2 s slower."""
    return generate_password_hash("not-a-real-password", method=PASSWORD_METHOD)


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    lock_minutes: int = 15
    max_failures_per_ip: int = 20


def password_problems(password: str) -> list[str]:
    """Return the password rules ``password`` breaks (empty when it is acceptable)."""
    problems = []
    if len(password) < 8:
        problems.append("密码至少 8 位。")
    classes = sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if classes < 3:
        problems.append("密码须包含大写字母、小写字母、数字、符号中的至少三类。")
    if password.strip().lower() in _common_passwords():
        problems.append("该密码过于常见，容易被猜中，请换一个。")
    return problems


@cache
def _common_passwords() -> frozenset[str]:
    """The most common passwords, lower-cased (matchmaker/data/README.md: source)."""
    text = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def normalise_email(email: str) -> str:
    """Validate the syntax and return the normalised, lower-cased address."""
    try:
        info = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise DomainError("邮箱格式不正确。", fields={"email": ["邮箱格式不正确。"]}) from None
    return info.normalized.lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(
    *,
    email: str,
    password: str,
    role: str,
    display_name: str,
    organisation: Organisation | None,
    by: User | None = None,
    must_change_password: bool = False,
) -> User:
    """Create a user after checking e-mail, password rules, role and organisation
    (``by``: the admin creating it; ``must_change_password`` for a temporary password)."""
    email = normalise_email(email)
    if role not in ROLES:
        raise DomainError(f"未知角色：{role}。", fields={"role": ["未知角色。"]})
    if role in ("recipient", "supporter") and organisation is None:
        raise DomainError("受援方和支援方用户必须属于一个单位。", fields={"org": ["必填。"]})
    problems = password_problems(password)
    if problems:
        raise DomainError(" ".join(problems), fields={"password": problems})
    if get_user_by_email(email) is not None:
        raise Conflict(f"邮箱 {email} 已被使用。", fields={"email": ["邮箱已被使用。"]})
    user = User(
        email=email,
        password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
        display_name=display_name.strip() or email.split("@")[0],
        role=role,
        organisation=organisation,
        active=True,
        failed_login_count=0,
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user=by, entity=user,
                 changes={"email": [None, email], "role": [None, role]})
    return user


def _recent_failures(column, value: str, since: datetime) -> int:
    """Failed password checks (not throttled attempts) matching ``column`` since ``since``."""
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "login.failure",
            AuditEvent.result == "failure",
            column == value,
            AuditEvent.created_at >= since,
        )
    )


def _record_throttled(column, value: str, since: datetime, *, reason: str, actor: str,
                      ip: str | None, user: User | None = None) -> None:
    """Audit a refused attempt once per lock window (a flood of attempts is one event)."""
    already = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "login.throttled", column == value,
        AuditEvent.created_at >= since))
    if not already:
        audit.record("login.throttled", user=user, actor=actor, ip=ip, result="denied",
                     changes={"reason": reason})


def authenticate(
    email: str, password: str, *, ip: str | None, policy: LoginPolicy, now: datetime | None = None
) -> User:
    """Check credentials and return the user, or raise with a message that never says
    whether the e-mail exists: a known and an unknown address lock on the same failure.
    Failures are recorded (the caller commits either way)."""
    now = now or utcnow()
    email = (email or "").strip().lower()
    since = now - timedelta(minutes=policy.lock_minutes)
    if ip and _recent_failures(AuditEvent.ip, ip, since) >= policy.max_failures_per_ip:
        _record_throttled(AuditEvent.ip, ip, since, reason="ip_throttled", actor=email, ip=ip)
        raise Throttled(IP_THROTTLED.format(minutes=policy.lock_minutes))

    user = get_user_by_email(email) if email else None
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        if _recent_failures(AuditEvent.actor, email, since) >= policy.max_failures:
            _record_throttled(AuditEvent.actor, email, since, reason="locked", actor=email,
                              ip=ip)
            raise Throttled(LOCKED.format(minutes=policy.lock_minutes))
        audit.record("login.failure", actor=email, ip=ip, result="failure",
                     changes={"reason": "unknown_email"})
        db.session.flush()
        if _recent_failures(AuditEvent.actor, email, since) >= policy.max_failures:
            raise Throttled(LOCKED.format(minutes=policy.lock_minutes))  # like a known account
        raise DomainError(BAD_CREDENTIALS)

    if user.is_locked(now):
        check_password_hash(_dummy_hash(), password or "")  # same cost as the other paths
        _record_throttled(AuditEvent.actor, user.email, since, reason="locked",
                          actor=user.email, ip=ip, user=user)
        raise Throttled(LOCKED.format(minutes=policy.lock_minutes))

    if not check_password_hash(user.password_hash, password or ""):
        user.failed_login_count += 1
        if user.failed_login_count >= policy.max_failures:
            user.locked_until = now + timedelta(minutes=policy.lock_minutes)
            user.failed_login_count = 0
            audit.record("user.lock", user=user, entity=user, ip=ip)
        audit.record("login.failure", user=user, ip=ip, result="failure",
                     changes={"reason": "bad_password"})
        db.session.flush()
        if user.locked_until and user.locked_until > now:
            raise Throttled(LOCKED.format(minutes=policy.lock_minutes))
        raise DomainError(BAD_CREDENTIALS)

    if not user.active:
        audit.record("login.failure", user=user, ip=ip, result="denied",
                     changes={"reason": "inactive"})
        raise DomainError("该账户已停用，请联系管理员。")

    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    user.last_login_ip = ip
    audit.record("login.success", user=user, ip=ip)
    db.session.flush()
    return user


def unlock(user: User, *, by: User | None = None) -> None:
    """Lift a login lock (admin action)."""
    audit.record("user.unlock", user=by, entity=user,
                 changes={"locked_until": [user.locked_until, None]})
    user.locked_until = None
    user.failed_login_count = 0


def change_password(user: User, old: str, new: str, *, ip: str | None = None,
                    keep_session: str | None = None) -> None:
    """Change the password; every other session of the user and every API token end."""
    if not check_password_hash(user.password_hash, old or ""):
        raise DomainError("原密码不正确。", fields={"old_password": ["原密码不正确。"]})
    problems = password_problems(new)
    if problems:
        raise DomainError(" ".join(problems), fields={"new_password": problems})
    if check_password_hash(user.password_hash, new):
        same = "新密码不能与原密码相同。"
        raise DomainError(same, fields={"new_password": [same]})
    user.password_hash = generate_password_hash(new, method=PASSWORD_METHOD)
    user.must_change_password = False
    ended = sessions.end_all(user, reason="password", keep_token=keep_session)
    revoked = revoke_all_tokens(user, by=user)
    audit.record("user.password_change", user=user, entity=user, ip=ip,
                 changes={"sessions_ended": [None, ended], "tokens_revoked": [None, revoked]})


def revoke_all_tokens(user: User, *, by: User | None = None) -> int:
    """Revoke every live API token of ``user``; return how many (audited when any)."""
    rows = db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    now = utcnow()
    for row in rows:
        row.revoked_at = now
    return len(rows)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str = "", *, days: int = 180) -> str:
    """Create an API token for ``user`` valid for ``days`` and return it; only its digest
    is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=_digest(token), prefix=token[:10], name=name.strip(),
                   expires_at=utcnow() + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    audit.record("token.create", user=user, entity=row)
    return token


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, or None: one statement (token, user and the
    user's organisation, which most permission checks read)."""
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(token))
        .options(joinedload(ApiToken.user).joinedload(User.organisation)))
    now = utcnow()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    if row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH_INTERVAL:
        row.last_used_at = now  # not a write per request
    return row.user


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound("令牌不存在。")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record("token.revoke", user=user, entity=row)
    return row


def confirm_password(user: User, password: str, *, action: str, ip: str | None = None) -> None:
    """Re-authentication for sensitive admin actions; a wrong password is audited."""
    if not check_password_hash(user.password_hash, password or ""):
        audit.record("reauth.failure", user=user, ip=ip, result="failure",
                     changes={"action": action})
        raise DomainError("密码不正确，操作未执行。", fields={"password": ["密码不正确。"]})
