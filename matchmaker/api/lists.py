"""API v1: needs and offers (the same services and permission predicates as the pages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, jsonify, request
from pydantic import BaseModel
from sqlalchemy.orm import joinedload

from .. import unit_of_work
from ..extensions import db
from ..models import Need, Offer
from ..models.listing import LIST_STATUSES
from ..permissions import (
    can_change_status,
    can_delete_item,
    can_edit_item,
    can_post_need,
    can_post_offer,
    can_see_candidates,
    can_view_item,
)
from ..services.errors import DomainError, Forbidden, NotFound
from ..services.lists import needs, offers, rules
from ..services.lists.browse import Filters, browse, with_related
from ..services.lists.rules import SectorIndex
from ..services.matching import index_read
from ..services.money import wan_text
from ..services.reference.regions import RegionIndex
from . import schemas, serialise
from .core import route
from .inputs import PAGE_PARAMS, SIZE_PARAM, body, enum_arg, enum_param, int_arg, paginated

#: Service field names → API field names, for error ``fields``.
API_FIELDS = {"sector": "sector_code", "region": "region_code", "budget_wan": "budget_yuan",
              "sectors": "sector_codes", "target_regions": "target_region_codes"}


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    service: Any
    out: Any
    create: type[BaseModel]
    patch: type[BaseModel]
    can_post: Any
    noun: str

    def raw(self, values: dict) -> dict:
        """API values (codes, integer yuan) → the raw input the service cleans."""
        raw = {k: v for k, v in values.items() if k not in ("status",)}
        for service_key, api_key in API_FIELDS.items():
            if api_key in raw:
                raw[service_key] = raw.pop(api_key)
        if raw.get("budget_wan") is not None:
            raw["budget_wan"] = wan_text(raw["budget_wan"])
        return raw

    def clean(self, raw: dict, org):
        regions, sectors = RegionIndex(), SectorIndex()
        if self.model is Need:
            data, errors = needs.clean(raw, org, regions, sectors)
        else:
            data, errors = offers.clean(raw, regions, sectors)
        if errors:
            fields = {API_FIELDS.get(k, k): v for k, v in errors.items()}
            raise DomainError.from_fields(fields)
        return data


NEEDS = Kind("needs", Need, needs, serialise.need, schemas.NeedCreate, schemas.NeedPatch,
             can_post_need, "需求")
OFFERS = Kind("offers", Offer, offers, serialise.offer, schemas.OfferCreate, schemas.OfferPatch,
              can_post_offer, "供给")
LIST_PARAMS = (("sector_code", "string", "领域代码（大类代码含其子领域）"),
               ("region_code", "string", "地区代码（含下辖地区）"),
               ("status", enum_param(LIST_STATUSES), "draft | published | closed"),
               ("q", "string", "标题和简介关键词"), *PAGE_PARAMS)


def _load(kind: Kind, item_id: int):
    item = db.session.get(kind.model, item_id,  # permissions read the organisation
                          options=[joinedload(kind.model.organisation)])
    if item is None or not can_view_item(g.api_user, item):
        raise NotFound(f"{kind.noun}不存在，或您无权查看。")
    return item


def _list(kind: Kind):
    args = request.args
    filters = Filters.from_args({"q": args.get("q", ""), "sector": args.get("sector_code", ""),
                                 "region": args.get("region_code", ""),
                                 "status": enum_arg("status", LIST_STATUSES) or ""})
    return paginated(with_related(browse(kind.model, g.api_user, filters), kind.model),
                     kind.out, many=serialise.page_of(kind.out))


def _create(kind: Kind):
    values = body(kind.create).model_dump()
    if not kind.can_post(g.api_user):
        who = "受援方" if kind is NEEDS else "支援方"
        raise Forbidden(f"只有审核通过的{who}单位用户可以发布{kind.noun}。")
    org = g.api_user.organisation
    item = unit_of_work.run(lambda: kind.service.create(
        org, kind.clean(kind.raw(values), org), by=g.api_user, status=values["status"],
        ip=request.remote_addr))
    return jsonify(kind.out(item)), 201


def _patch(kind: Kind, item_id: int):
    item = _load(kind, item_id)
    values = body(kind.patch).model_dump(exclude_unset=True)
    user = g.api_user
    status = values.pop("status", None)
    if not can_change_status(user, item):
        raise Forbidden(f"只有发布单位可以修改该{kind.noun}。")
    if values and not can_edit_item(user, item):
        raise Forbidden("协调员只能修改状态（发布 ⇄ 关闭）。")

    def patch():
        if values:
            raw = {**kind.service.as_raw(item), **kind.raw(values)}
            kind.service.update(item, kind.clean(raw, item.organisation), by=user,
                                ip=request.remote_addr)
        if status is not None:
            rules.set_status(item, status, by=user, ip=request.remote_addr)

    unit_of_work.run(patch)
    return jsonify(kind.out(item))


def _delete(kind: Kind, item_id: int):
    item = _load(kind, item_id)
    if not can_delete_item(g.api_user, item):
        raise Forbidden(f"只有发布单位可以删除该{kind.noun}。")
    unit_of_work.run(lambda: rules.delete_item(item, by=g.api_user, ip=request.remote_addr))
    return "", 204


def _candidates(kind: Kind, item_id: int):
    item = _load(kind, item_id)
    if not can_see_candidates(g.api_user, item):
        raise Forbidden("只有协调员和审核通过的发布单位可以查看推荐。")
    limit = min(int_arg("limit", SIZE_PARAM) or 10, 100)
    read = index_read.for_need if kind is NEEDS else index_read.for_offer
    rows, computed_at = read(item, limit=limit)
    for row in rows:
        row.pop("item")
    return jsonify({f"{kind.model.__name__.lower()}_id": item.id, "candidates": rows,
                    "computed_at": serialise.timestamp(computed_at) if computed_at else None})


def _register(kind: Kind) -> None:
    n, out = kind.name, kind.create.__name__.replace("Create", "Out")
    out_model = getattr(schemas, out)
    who = "受援方" if kind is NEEDS else "支援方"
    views = {
        "list": lambda: _list(kind),
        "create": lambda: _create(kind),
        "get": lambda item_id: jsonify(kind.out(_load(kind, item_id))),
        "patch": lambda item_id: _patch(kind, item_id),
        "delete": lambda item_id: _delete(kind, item_id),
        "candidates": lambda item_id: _candidates(kind, item_id),
    }
    for name, view in views.items():
        view.__name__ = f"{n}_{name}"
    cand = schemas.NeedCandidates if kind is NEEDS else schemas.OfferCandidates
    route("GET", f"/{n}", summary=f"{kind.noun}列表（已发布和已关闭的，及本单位草稿）",
          response=schemas.page_of(out_model), params=LIST_PARAMS)(views["list"])
    route("POST", f"/{n}", summary=f"发布{kind.noun}（本单位）", roles=who,
          body=kind.create, response=out_model, status=201, errors=(403, 415, 422))(
        views["create"])
    route("GET", f"/{n}/{{id}}", summary=f"{kind.noun}详情", response=out_model,
          errors=(404,))(views["get"])
    route("PATCH", f"/{n}/{{id}}", summary=f"修改{kind.noun}；协调员只能改状态",
          roles="发布单位；协调员（仅 status）", body=kind.patch, response=out_model,
          errors=(403, 404, 409, 415, 422))(views["patch"])
    route("DELETE", f"/{n}/{{id}}", summary="删除草稿（无对接记录时）", roles="发布单位",
          status=204, errors=(403, 404, 409))(views["delete"])
    route("GET", f"/{n}/{{id}}/candidates", summary="推荐的对接对象（按得分排序）",
          roles="协调员；发布单位", response=cand, errors=(403, 404),
          params=(("limit", SIZE_PARAM, "返回条数，默认 10；大于 100 时按 100"),))(
        views["candidates"])


_register(NEEDS)
_register(OFFERS)
