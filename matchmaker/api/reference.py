"""API v1: reference data (regions, sectors) and the OpenAPI document."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import select

from ..extensions import db
from ..models import Region, Sector
from . import schemas
from .core import bp, route
from .openapi import document


@route("GET", "/regions", summary="地区（GB/T 2260 代码；兵团及各师为 XJBT00–XJBT14）",
       response=schemas.all_of(schemas.Region))
def regions_list():
    rows = db.session.scalars(select(Region).order_by(Region.code)).all()
    items = [{"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent_code,
              "province_code": r.province_code, "verified": r.verified} for r in rows]
    return jsonify({"items": items, "total": len(items)})


@route("GET", "/sectors", summary="领域分类（两级）", response=schemas.all_of(schemas.Sector))
def sectors_list():
    rows = db.session.scalars(select(Sector).order_by(Sector.sort_order, Sector.code)).all()
    items = [{"code": s.code, "name": s.name, "parent_code": s.parent_code} for s in rows]
    return jsonify({"items": items, "total": len(items)})


@bp.get("/openapi.json", endpoint="openapi")
def openapi_json():
    return jsonify(document())
