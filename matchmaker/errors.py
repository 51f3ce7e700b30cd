"""Error pages in Chinese; a denial is an audit event."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from . import unit_of_work
from .extensions import db
from .services.platform import audit

MESSAGES = {
    400: ("请求无效", "请求格式不正确，请返回重试。"),
    403: ("无权访问", "您没有执行此操作的权限。如需帮助，请联系协调员或管理员。"),
    404: ("页面不存在", "您要找的页面不存在，或您无权查看。"),
    405: ("不支持的操作", "此页面不支持该操作方式。"),
    413: ("文件过大", "上传的文件过大，请控制在 5 MB 以内。"),
    429: ("操作过于频繁", "请求过于频繁，请稍后再试。"),
    500: ("服务器内部错误", "系统出现错误，已记录。请稍后再试；如持续出现，请联系管理员。"),
}


#: Path prefix → handler for requests no rule took (404/405 before any blueprint is
#: known). The API registers its JSON answer here, so this module imports no blueprint.
ROUTING_ERROR_HANDLERS: dict[str, Callable] = {}


def render_error(status: int, message: str | None = None):
    title, default = MESSAGES.get(status, MESSAGES[500])
    html = render_template(
        "errors/error.html", status=status, title=title, message=message or default
    )
    return html, status


def record_denial(user) -> None:
    """A refused request is an audit event (web pages and the API alike)."""
    from .web import client_ip

    if not getattr(user, "is_authenticated", False):
        return
    unit_of_work.discard()  # nothing of a refused request is kept but the denial
    unit_of_work.run(lambda: audit.record(
        "permission.denied", user=user, ip=client_ip(), result="denied",
        changes={"path": request.path, "method": request.method}))


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "页面已过期或表单校验失败，请刷新页面后重试。")

    @app.errorhandler(403)
    def forbidden(error):
        record_denial(current_user)
        return render_error(403)

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return render_error(500)

    def described(error, status):
        if status in (404, 405) and request.blueprint is None:
            for prefix, handler in ROUTING_ERROR_HANDLERS.items():
                if request.path.startswith(prefix):
                    return handler(error)  # e.g. the API's JSON shape
        # A description written for users (Chinese) is shown; werkzeug's English ones not.
        text = getattr(error, "description", "") or ""
        response = make_response(render_error(status, text if text and not text.isascii()
                                              else None))
        if status == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)  # RFC 9110
        return response

    for status in (400, 404, 405, 413, 429):
        app.register_error_handler(status, lambda e, s=status: described(e, s))
