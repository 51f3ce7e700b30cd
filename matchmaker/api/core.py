"""The API blueprint's plumbing: bearer-token auth, the error shape, and the registry the
OpenAPI document is built from. Request bodies and query arguments: ``inputs.py``."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from flask import Blueprint, current_app, g, jsonify, request
from pydantic import BaseModel
from werkzeug.exceptions import HTTPException

from .. import unit_of_work
from ..errors import ROUTING_ERROR_HANDLERS, record_denial
from ..extensions import csrf, db, limiter
from ..services.accounts import identity
from ..services.errors import DomainError
from ..services.params import MAX_ID

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # tokens only: no cookie is ever accepted here, so there is no CSRF to forge

PUBLIC_ENDPOINTS = {"api.openapi"}
NUL_MESSAGE = "不能包含空字符（U+0000）。"
STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "too_large",
                415: "unsupported_media_type", 422: "invalid", 429: "rate_limited",
                500: "server_error"}
STATUS_MESSAGES = {400: "请求格式不正确。", 401: "缺少或无效的访问令牌。", 403: "无权执行此操作。",
                   404: "资源不存在，或您无权查看。", 405: "不支持该请求方法。",
                   409: "操作与当前状态冲突。", 413: "请求内容过大。",
                   415: "请求体须为 JSON（Content-Type: application/json）。",
                   422: "输入无效。", 429: "请求过于频繁，请稍后再试。", 500: "服务器内部错误。"}


def error(status: int, message: str | None = None, fields: dict | None = None):
    body = {"error": STATUS_CODES.get(status, "error"),
            "message": message or STATUS_MESSAGES.get(status, "请求失败。"),
            "fields": fields or {}}
    return jsonify(body), status


def bearer_token() -> str:
    """The token of an ``Authorization: Bearer …`` header (scheme case-insensitive, spaces
    trimmed), or ''."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def rate_limit_key() -> str:
    """Counters per token (the parsed token, hashed: spelling the header differently does
    not give a fresh allowance), falling back to the client address."""
    token = bearer_token()
    if token:
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "ip:" + (request.remote_addr or "?")


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(bp)


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.method == "OPTIONS":  # exactly the documented methods, not the catch-all's
        allowed = _allowed_methods()
        if not allowed:
            return error(404)
        response = current_app.response_class(status=204)
        response.headers["Allow"] = ", ".join([*allowed, "OPTIONS"])
        return response
    token = bearer_token()
    user = identity.user_for_token(token) if token else None
    if user is None:
        return error(401)
    if db.session.dirty:  # the token's last_used_at moved on (every few minutes)
        unit_of_work.run(lambda: None)
    g.api_user = user
    nul = {name: [NUL_MESSAGE] for name, value in request.args.items(multi=True)
           if "\x00" in value}
    if nul:  # PostgreSQL cannot even compare with such text
        return error(422, "输入无效：查询参数含空字符。", nul)
    if not 1 <= (request.view_args or {}).get("item_id", 1) <= MAX_ID:
        return error(404)  # no such row, and too large for an INTEGER parameter
    return None


def _denied() -> None:
    user = getattr(g, "api_user", None)
    if user is not None:
        record_denial(user)


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError):
    unit_of_work.discard()
    if exc.status == 403:
        _denied()
    return error(exc.status, exc.message, exc.fields)


def http_error(exc: HTTPException):
    unit_of_work.discard()
    if exc.code == 403:
        _denied()
    response, status = error(exc.code or 500)
    if exc.code == 429:
        response.headers["Retry-After"] = str(_retry_after())
    return response, status


def _retry_after() -> int:
    """Seconds until the caller's window resets (Flask-Limiter's current limit)."""
    current = limiter.current_limit
    return max(1, int(current.reset_at - time.time())) if current else 60


_UNKNOWN_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _allowed_methods() -> list[str]:
    """The methods some API operation takes at the request's path."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in _UNKNOWN_METHODS:
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "api.unknown":
            allowed.append(method)
    return allowed


def not_routed(exc: HTTPException | None = None):
    """A 404 or 405 of routing under /api/v1 (``/needs/abc``, a method the path lacks, even
    one such as ``TRACE`` or ``QUERY`` no rule names): the JSON error shape, and a 405's
    ``Allow`` names the operations' methods. Routing errors never reach ``bp``'s handlers:
    the catch-all rule below and the app's 404/405 handlers call this."""
    allowed = _allowed_methods()
    if not allowed:
        return error(404)
    response, status = error(405)
    response.headers["Allow"] = ", ".join(allowed)
    return response, status


@bp.route("/<path:_rest>", methods=_UNKNOWN_METHODS, endpoint="unknown")
def unknown(_rest: str):
    """Paths under /api/v1 that no rule takes."""
    return not_routed()


# Code-specific app handlers win over class handlers, so register per code (JSON, not HTML).
bp.register_error_handler(HTTPException, http_error)
for _code in STATUS_CODES:
    bp.register_error_handler(_code, http_error)
# Routing errors never reach ``bp``: the app's handler hands /api/v1 paths back to us.
ROUTING_ERROR_HANDLERS[bp.url_prefix + "/"] = not_routed


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    roles: str
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    errors: tuple[int, ...]
    #: Query parameters: (name, OpenAPI type name or schema, description).
    params: tuple[tuple[str, str | dict, str], ...] = field(default_factory=tuple)
    body_optional: bool = False


OPERATIONS: list[Operation] = []


def route(method: str, path: str, *, summary: str, roles: str = "任何用户",
          body: type[BaseModel] | None = None, response: type[BaseModel] | None = None,
          status: int = 200, errors: tuple[int, ...] = (),
          params: tuple[tuple[str, str | dict, str], ...] = (), body_optional: bool = False):
    """Register a view on the blueprint and describe it for the OpenAPI document. Every
    operation may answer 401 and 429; one with query parameters also 422 (a bad value).
    ``body_optional``: a request without a body is valid, see :func:`optional_body`."""
    flask_path = path.replace("{id}", "<int:item_id>")
    common = (401, 429, 422) if params else (401, 429)
    OPERATIONS.append(Operation(method, path, summary, roles, body, response, status,
                                (*common, *errors), params, body_optional))

    def decorator(view):
        bp.add_url_rule(flask_path, view_func=view, methods=[method],
                        endpoint=f"{method.lower()}_{view.__name__}")
        return view

    return decorator
