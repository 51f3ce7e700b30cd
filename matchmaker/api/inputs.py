"""What an API request carries, validated: JSON bodies (pydantic, Chinese messages per
field) and query arguments (bounded ids, enums, pages), and paginated answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import jsonify, request
from pydantic import BaseModel, ValidationError

from ..extensions import db
from ..services.errors import DomainError
from ..services.params import MAX_ID, MAX_PAGE, bounded_int
from .core import NUL_MESSAGE, STATUS_MESSAGES

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


