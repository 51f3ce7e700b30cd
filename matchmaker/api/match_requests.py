"""API v1: 申请对接 — a side asks for a candidate pair, a coordinator declines with a
reason or confirms it with ``POST /matches`` (which marks the request done)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import g, jsonify, request
from pydantic import BaseModel, Field

from .. import unit_of_work
from ..models.match_requests import REQUEST_STATUSES, MatchRequest
from ..services.matching import requests
from .core import route
from .inputs import PAGE_PARAMS, body, enum_arg, enum_param, paginated
from .schemas import Id, Int, Strict, page_of
from .serialise import timestamp


class MatchRequestCreate(Strict):
    need_id: Int = Id
    offer_id: Int = Id
    note: str = Field("", max_length=500, description="给协调员的说明（选填）")


class MatchRequestDecline(Strict):
    reason: str = Field(min_length=1, max_length=500, description="不采纳的理由（必填）")


class MatchRequestOut(BaseModel):
    id: int
    need_id: int
    offer_id: int
    side: Literal["need", "offer"] = Field(description="申请方：need 需求方、offer 供给方")
    status: Literal["open", "done", "declined", "ended"] = Field(
        description="open 待协调员处理、done 已确认对接（见 match_id）、"
                    "declined 未采纳（见 reason）、"
                    "ended 需求或供给已关闭，申请自动结束（见 reason）")
    note: str
    requested_by: str = Field(description="申请人姓名")
    organisation_id: int
    reason: str
    match_id: int | None
    created_at: datetime
    decided_at: datetime | None


def _out(req: MatchRequest) -> dict:
    return {"id": req.id, "need_id": req.need_id, "offer_id": req.offer_id,
            "side": req.side, "status": req.status, "note": req.note,
            "requested_by": req.requested_by.display_name,
            "organisation_id": req.organisation_id, "reason": req.decline_reason,
            "match_id": req.match_id, "created_at": timestamp(req.created_at),
            "decided_at": timestamp(req.decided_at) if req.decided_at else None}


@route("GET", "/match-requests", summary="对接申请（协调员看全部；单位看涉及本单位需求或供给的）",
       roles="任何用户", response=page_of(MatchRequestOut),
       params=(("status", enum_param(REQUEST_STATUSES), " | ".join(REQUEST_STATUSES)),
               *PAGE_PARAMS))
def match_requests_list():
    stmt = requests.visible(g.api_user)
    status = enum_arg("status", REQUEST_STATUSES)
    if status is not None:
        stmt = stmt.where(MatchRequest.status == status)
    return paginated(stmt, _out)


@route("POST", "/match-requests",
       summary="申请对接：需求方或供给方单位请协调员对接一对需求与供给（每对同时只有一个待处理申请）",
       roles="需求所属单位（受援方）或供给所属单位（支援方）", body=MatchRequestCreate,
       response=MatchRequestOut, status=201, errors=(403, 404, 409, 415, 422))
def match_requests_create():
    values = body(MatchRequestCreate)
    req = unit_of_work.run(lambda: requests.ask(values.need_id, values.offer_id,
                                                by=g.api_user, note=values.note,
                                                ip=request.remote_addr))
    return jsonify(_out(req)), 201


@route("POST", "/match-requests/{id}/decline", summary="不采纳对接申请（须填理由，通知申请人）",
       roles="协调员", body=MatchRequestDecline, response=MatchRequestOut,
       errors=(403, 404, 409, 415, 422))
def match_requests_decline(item_id: int):
    reason = body(MatchRequestDecline).reason
    req = unit_of_work.run(lambda: requests.decline(item_id, by=g.api_user, reason=reason,
                                                    ip=request.remote_addr))
    return jsonify(_out(req))
