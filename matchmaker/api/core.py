"""The API blueprint's plumbing: bearer-token auth, the error shape, body validation,
pagination, and the registry the OpenAPI document is built from."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from .. import unit_of_work
from ..errors import record_denial
from ..extensions import csrf, db, limiter
from ..services.accounts import identity
from ..services.errors import DomainError
from ..services.params import MAX_ID, MAX_PAGE, bounded_int

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


_PYDANTIC_MESSAGES = {
    "missing": "必填。", "extra_forbidden": "不支持的字段。", "int_parsing": "应为整数。",
    "int_type": "应为整数。", "int_from_float": "应为整数。", "string_type": "应为文本。",
    "list_type": "应为数组。", "bool_type": "应为 true 或 false。",
    "date_parsing": "日期格式应为 YYYY-MM-DD。", "date_from_datetime_parsing":
    "日期格式应为 YYYY-MM-DD。", "date_type": "日期格式应为 YYYY-MM-DD。",
    "model_type": "应为 JSON 对象。", "json_invalid": "不是有效的 JSON。",
    "nul_character": NUL_MESSAGE,
}


def _message(err: dict) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in _PYDANTIC_MESSAGES:
        return _PYDANTIC_MESSAGES[kind]
    if kind in ("greater_than", "greater_than_equal"):
        word = "大于" if kind == "greater_than" else "不小于"
        return f"必须{word} {ctx.get('gt', ctx.get('ge'))}。"
    if kind in ("less_than_equal", "less_than"):
        return f"不能超过 {ctx.get('le', ctx.get('lt'))}。"
    if kind in ("string_too_long", "too_long"):
        return f"最多 {ctx.get('max_length')} {'字' if kind == 'string_too_long' else '项'}。"
    if kind in ("string_too_short", "too_short"):
        return "不能为空。"
    if kind == "literal_error":
        return f"取值应为 {ctx.get('expected')}。"
    return "格式不正确。"


def body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body validated by ``model``; 415/422 with ``fields`` otherwise."""
    if not request.is_json:
        raise _unsupported()
    raw = request.get_data(cache=True)
    try:
        return model.model_validate_json(raw or b"null")
    except ValidationError as exc:
        fields: dict[str, list[str]] = {}
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "body"
            fields.setdefault(key, []).append(_message(err))
        raise DomainError("输入无效：" + "；".join(
            f"{k} {'、'.join(v)}" for k, v in fields.items()), fields=fields) from None


def optional_body(model: type[BaseModel]) -> BaseModel:
    """Like :func:`body`, but a request without a body (and without a Content-Type) is
    valid and means the model's defaults (the match actions)."""
    if not request.get_data(cache=True):
        return model()
    return body(model)


def _unsupported():
    exc = DomainError(STATUS_MESSAGES[415])
    exc.status, exc.code = 415, "unsupported_media_type"
    return exc


#: Query parameters that are numbers, as the OpenAPI document states them; the server
#: enforces exactly these bounds (``int_arg``): anything else present is a 422.
ID_PARAM = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
PAGE_PARAM = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
SIZE_PARAM = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
PAGE_PARAMS = (("page", PAGE_PARAM, f"页码，从 1 开始，最大 {MAX_PAGE}（超出末页时 items 为空）"),
               ("per_page", SIZE_PARAM, "每页条数，默认 20；大于 100 时按 100"))


def _invalid(name: str, message: str) -> DomainError:
    return DomainError(f"输入无效：{name} {message}", fields={name: [message]})


def int_arg(name: str, schema: dict = ID_PARAM) -> int | None:
    """Query argument ``name`` as an int within ``schema``'s bounds; ``None`` when absent.
    Present but not plain ASCII digits in range (``""``, ``"null"``, ``"²"``, ``" 1"``,
    ``"0"``, ``"10^23"``): 422 with ``fields``."""
    if name not in request.args:
        return None
    text = request.args[name]
    low, high = schema["minimum"], schema["maximum"]
    value = bounded_int(text, low, high) if text == text.strip() else None
    if value is None:
        raise _invalid(name, f"应为 {low} 到 {high} 之间的整数。")
    return value


def id_arg(name: str) -> int | None:
    """An id filter (1..2^31 - 1): ``None`` when absent; 422 when not such a number."""
    return int_arg(name, ID_PARAM)


def enum_arg(name: str, values) -> str | None:
    """Query argument ``name`` when it is one of ``values``; ``None`` when absent; 422 else."""
    if name not in request.args:
        return None
    value = request.args[name]
    if value not in values:
        raise _invalid(name, f"取值应为 {' | '.join(values)}。")
    return value


def enum_param(values) -> dict:
    """The OpenAPI schema of a query parameter ``enum_arg`` checks."""
    return {"type": "string", "enum": list(values)}


def page_args() -> tuple[int, int]:
    """``page`` (1..MAX_PAGE, default 1) and ``per_page`` (default 20, clamped to 100)."""
    page = int_arg("page", PAGE_PARAM) or 1
    per_page = int_arg("per_page", SIZE_PARAM) or 20
    return page, min(per_page, 100)


def paginated(stmt, serialise: Callable[[Any], dict], *,
              many: Callable[[list], list[dict]] | None = None):
    """A page of ``stmt`` as JSON; ``many`` serialises a whole page at once."""
    page, per_page = page_args()
    result = db.paginate(stmt, page=page, per_page=per_page,
                         error_out=False, count=True)
    items = many(result.items) if many else [serialise(x) for x in result.items]
    return jsonify({"items": items, "page": page,
                    "per_page": per_page, "total": result.total})


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
