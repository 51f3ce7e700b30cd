"""Request hooks, template helpers and small view utilities shared by the blueprints."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

from flask import Flask, request, session, url_for
from flask_login import current_user

from .models.users import ROLES
from .permissions import has_role
from .services import notify
from .services.audit_log import ACTION_LABELS

#: Navigation per role: (label, endpoint, roles). Only pages that exist appear here.
NAV_ITEMS = [
    ("首页", "main.home", ("recipient", "supporter", "coordinator", "admin")),
    ("需求清单", "needs.index", ("recipient", "supporter", "coordinator", "admin")),
    ("供给清单", "offers.index", ("recipient", "supporter", "coordinator", "admin")),
    ("对接", "matches.index", ("recipient", "supporter", "coordinator", "admin")),
    ("对口支援关系", "reference.pairings", ("recipient", "supporter", "coordinator", "admin")),
    ("领域分类", "reference.sectors", ("recipient", "supporter", "coordinator", "admin")),
    ("地区", "reference.regions", ("coordinator", "admin")),
    ("统计", "dashboard.overview", ("coordinator", "admin")),
    ("表彰", "dashboard.honour_list", ("recipient", "supporter")),
    ("单位", "orgs.index", ("coordinator", "admin")),
    ("名单筛查", "screening.queue", ("coordinator", "admin")),
    ("审计日志", "audit.index", ("coordinator", "admin")),
]

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


def format_wan(yuan: int | None) -> str:
    """Integer yuan shown as 万元 with up to 4 decimals, e.g. 125000 -> '12.5'."""
    if yuan is None:
        return ""
    value = (Decimal(yuan) / 10000).quantize(Decimal("0.0001")).normalize()
    return f"{value:,f}"


def register(app: Flask) -> None:
    @app.before_request
    def keep_session_alive() -> None:
        # Sessions are permanent so PERMANENT_SESSION_LIFETIME acts as the idle timeout.
        session.permanent = True

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
        items = []
        if current_user.is_authenticated:
            items = [
                (label, url_for(endpoint), request.endpoint == endpoint)
                for label, endpoint, roles in NAV_ITEMS
                if has_role(current_user, *roles)
            ]
        unread = notify.unread_count(current_user) if current_user.is_authenticated else 0
        return {"nav_items": items, "role_labels": ROLES, "unread_count": unread}

    app.add_template_filter(format_wan, "wan")
    app.add_template_filter(lambda a: ACTION_LABELS.get(a, a), "audit_label")
    app.add_template_filter(lambda d: d.strftime("%Y-%m-%d %H:%M") if d else "", "datetime")
