"""The OpenAPI 3.1 document, generated from the registered operations and the pydantic
schemas the views validate with."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import schemas
from .core import OPERATIONS, STATUS_MESSAGES
from .inputs import ID_PARAM

REF = "#/components/schemas/{model}"


def _schemas() -> tuple[dict, dict]:
    models: list[tuple[type[BaseModel], str]] = [(schemas.Error, "serialization")]
    for op in OPERATIONS:
        if op.body is not None:
            models.append((op.body, "validation"))
        if op.response is not None:
            models.append((op.response, "serialization"))
    models = list(dict.fromkeys(models))
    refs, defs = models_json_schema(models, ref_template=REF)
    return refs, defs.get("$defs", {})


def _operation(op, refs: dict) -> dict:
    params = []
    if "{id}" in op.path:
        params.append({"name": "id", "in": "path", "required": True,
                       "schema": ID_PARAM})
    for name, kind, description in op.params:
        params.append({"name": name, "in": "query", "required": False,
                       "description": description,
                       "schema": kind if isinstance(kind, dict) else {"type": kind}})
    responses: dict = {}
    if op.status == 204:
        responses["204"] = {"description": "已删除"}
    else:
        responses[str(op.status)] = {
            "description": "成功",
            "content": {"application/json": {"schema": refs[(op.response, "serialization")]}},
        }
    error_ref = refs[(schemas.Error, "serialization")]
    for status in sorted(set(op.errors)):
        responses[str(status)] = {"description": STATUS_MESSAGES.get(status, "错误"),
                                  "content": {"application/json": {"schema": error_ref}}}
    spec = {"summary": op.summary, "description": f"权限：{op.roles}",
            "operationId": f"{op.method.lower()}{op.path.replace('/', '_').replace('{id}', 'id')}",
            "parameters": params, "responses": responses}
    if op.body is not None:
        spec["requestBody"] = {"required": not op.body_optional, "content": {
            "application/json": {"schema": refs[(op.body, "validation")]}}}
        if op.body_optional:
            spec["requestBody"]["description"] = (
                "可省略：不带请求体（也不带 Content-Type）的请求有效，各字段取默认值。")
    return spec


@cache
def document() -> dict:
    """The whole OpenAPI document (built once per process)."""
    refs, defs = _schemas()
    paths: dict = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs)
    paths["/openapi.json"] = {"get": {
        "summary": "本文档（无需令牌）", "operationId": "get_openapi", "security": [],
        "responses": {"200": {"description": "OpenAPI 3.1 文档",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "援藏援疆项目对接平台 API", "version": "1.0.0",
                 "description": "需求清单、供给清单、推荐与对接。金额为整数元，日期为 YYYY-MM-DD，"
                                "地区为 GB/T 2260 代码。错误统一为 {error, message, fields}。"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
                       "schemas": defs},
        "paths": paths,
    }
