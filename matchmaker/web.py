"""Request hooks, template helpers and small view utilities shared by the blueprints."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, flash, request, session, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from . import permissions, unit_of_work
from .models.users import ROLES
from .permissions import can, needs_reauthentication
from .services import localtime, money
from .services.accounts import identity
from .services.errors import DomainError, join_messages
from .services.platform import notifications
from .services.platform.audit_history import ACTION_LABELS

#: Navigation: (label, endpoint, permission rule, menu). Items sharing a menu form one
#: drop-down; an item shows when ``permissions.can(user, rule)``.
NAV_ITEMS = [
    ("首页", "main.home", "browse", None),
    ("需求清单", "needs.index", "browse", None),
    ("供给清单", "offers.index", "browse", None),
    ("对接", "matches.index", "browse", None),
    ("统计", "dashboard.overview", "view_dashboard", None),
    ("表彰", "dashboard.honour_list", "find_honours_in_menu", None),
    ("对口支援关系", "reference.pairings", "browse", "参考数据"),
    ("领域分类", "reference.sectors", "browse", "参考数据"),
    ("地区", "reference.regions", "view_reference_staff", "参考数据"),
    ("项目类型词库", "reference.concepts", "view_lexicon", "参考数据"),
    ("单位", "orgs.index", "vet_organisations", "管理"),
    ("名单筛查", "screening.queue", "review_screening", "管理"),
    ("用户", "users.index", "manage_users", "管理"),
    ("审计日志", "audit.index", "view_audit_log", "管理"),
    ("后台任务", "jobs.index", "manage_jobs", "管理"),
]


def nav_for(user) -> list[dict]:
    """The navigation entries ``user`` sees: links, and drop-down menus of links."""
    entries: list[dict] = []
    menus: dict[str, dict] = {}
    for label, endpoint, action, menu in NAV_ITEMS:
        if not can(user, action):
            continue
        link = {"label": label, "href": url_for(endpoint),
                "active": request.endpoint == endpoint}
        if menu is None:
            entries.append({"type": "link", **link})
            continue
        if menu not in menus:
            menus[menu] = {"type": "menu", "label": menu, "links": [], "active": False}
            entries.append(menus[menu])
        menus[menu]["links"].append(link)
        menus[menu]["active"] |= link["active"]
    return entries

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)


def client_ip() -> str | None:
    return request.remote_addr


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are followed after login (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, take the client address and scheme
    from their X-Forwarded-For/-Proto (else every user shares the proxy's address)."""
    count = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def register(app: Flask) -> None:
    trust_proxies(app)

    @app.before_request
    def keep_session_alive() -> None:
        # Sessions are permanent so PERMANENT_SESSION_LIFETIME acts as the idle timeout.
        session.permanent = True

    @app.before_request
    def refuse_nul_bytes():
        # PostgreSQL text cannot hold U+0000: refuse it at the edge (the API answers 422
        # with fields for the same input, see api/core.py).
        if request.path.startswith("/api/"):
            return None
        values = [*request.args.values()]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += [*request.form.values()]
        if any("\x00" in v for v in values):
            abort(400, description="输入包含无效字符（U+0000），请删除后重试。")
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response

    @app.context_processor
    def navigation():
        items = nav_for(current_user) if current_user.is_authenticated else []
        unread = notifications.unread_count(current_user) if current_user.is_authenticated else 0
        return {"nav_items": items, "role_labels": ROLES, "unread_count": unread,
                **permissions.template_helpers()}

    app.add_template_filter(money.wan_display, "wan")
    app.add_template_filter(lambda a: ACTION_LABELS.get(a, a), "audit_label")
    app.add_template_filter(localtime.format_datetime, "datetime")
    app.add_template_filter(localtime.format_date, "date")


def form_errors_text(form) -> str:
    """Every message of a form that failed its edge checks, as one sentence list."""
    return join_messages(m for ms in form.errors.values() for m in ms) or "请求无效。"


def flash_form_errors(form) -> None:
    flash(form_errors_text(form), "danger")


def commit_sensitive_action(action: str, password: str | None, operation, *,
                            reauth: bool = True) -> bool:
    """Run a service ``operation`` that changes an organisation's standing, in one unit of
    work. Admins re-enter their password first (``reauth``); a wrong password is kept in
    the audit log. Errors are flashed; returns whether the change was saved."""
    try:
        if reauth and needs_reauthentication(current_user):
            # A refused password is kept in the audit log; nothing else is changed yet.
            unit_of_work.run(lambda: identity.confirm_password(
                current_user, password, action=action, ip=client_ip()), keep_on_refusal=True)
        unit_of_work.run(operation)
    except DomainError as exc:
        flash(exc.message, "danger")
        return False
    return True
