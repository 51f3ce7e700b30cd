"""API v1: matches (对接) — coordinators decide, the two organisations act."""

from __future__ import annotations

from flask import g, jsonify, request

from .. import unit_of_work
from ..models import Match
from ..models.matches import MATCH_STATUSES
from ..services.matching import delivery, lifecycle, visibility
from . import schemas, serialise
from .core import route
from .inputs import (
    ID_PARAM,
    PAGE_PARAMS,
    body,
    enum_arg,
    enum_param,
    id_arg,
    optional_body,
    paginated,
)

MATCH_PARAMS = (("need_id", ID_PARAM, "需求 id"), ("offer_id", ID_PARAM, "供给 id"),
                ("status", enum_param(MATCH_STATUSES), " | ".join(MATCH_STATUSES)),
                *PAGE_PARAMS)


def _load(match_id: int) -> Match:
    return visibility.load_visible(g.api_user, match_id)


@route("GET", "/matches", summary="对接列表（协调员看全部；单位看本单位参与的）",
       roles="协调员；对接双方单位", response=schemas.page_of(schemas.MatchOut),
       params=MATCH_PARAMS)
def matches_list():
    stmt = visibility.visible_matches(g.api_user)
    for name in ("need_id", "offer_id"):
        value = id_arg(name)
        if value is not None:
            stmt = stmt.where(getattr(Match, name) == value)
    status = enum_arg("status", MATCH_STATUSES)
    if status is not None:
        stmt = stmt.where(Match.status == status)
    return paginated(stmt.order_by(Match.id.desc()), serialise.match)


@route("POST", "/matches", summary="确认或否决一对需求与供给", roles="协调员",
       body=schemas.MatchCreate, response=schemas.MatchOut, status=201,
       errors=(403, 409, 415, 422))
def matches_create():
    values = body(schemas.MatchCreate)
    decision = lifecycle.Decision(
        need_id=values.need_id, offer_id=values.offer_id, status=values.status,
        amount_yuan=values.amount_yuan, note=values.note)
    match = unit_of_work.run(
        lambda: lifecycle.decide(decision, by=g.api_user, ip=request.remote_addr))
    return jsonify(serialise.match(match)), 201


@route("GET", "/matches/{id}", summary="对接详情", roles="协调员；对接双方单位",
       response=schemas.MatchOut, errors=(404,))
def matches_get(item_id: int):
    return jsonify(serialise.match(_load(item_id)))


def _act(item_id: int, action):
    _load(item_id)  # 404 for those who cannot see it
    match = unit_of_work.run(lambda: action(item_id))
    return jsonify(serialise.match(match))


@route("PATCH", "/matches/{id}", summary="调整对接金额（增加部分检查供给剩余与需求尚未落实资金）",
       roles="协调员", body=schemas.MatchAmount, response=schemas.MatchOut,
       errors=(403, 404, 409, 415, 422))
def matches_patch(item_id: int):
    _load(item_id)
    values = body(schemas.MatchAmount)
    return _act(item_id, lambda i: delivery.change_amount(
        i, by=g.api_user, amount_yuan=values.amount_yuan, ip=request.remote_addr))


@route("POST", "/matches/{id}/accept", summary="接受对接（双方都接受后为 accepted）；请求体可省略",
       roles="需求方或供给方单位", response=schemas.MatchOut, errors=(403, 404, 409))
def matches_accept(item_id: int):
    return _act(item_id, lambda i: lifecycle.accept(i, by=g.api_user, ip=request.remote_addr))


@route("POST", "/matches/{id}/decline", summary="谢绝对接（双方都接受前）；请求体可省略",
       roles="需求方或供给方单位", body=schemas.MatchNote, body_optional=True,
       response=schemas.MatchOut, errors=(403, 404, 409, 415, 422))
def matches_decline(item_id: int):
    note = optional_body(schemas.MatchNote).note
    return _act(item_id, lambda i: lifecycle.decline(i, by=g.api_user, note=note,
                                                   ip=request.remote_addr))


@route("POST", "/matches/{id}/complete",
       summary="报告项目完成；请求体可省略（完成日期默认今天（北京时间），实际到位默认对接金额）",
       roles="需求方单位", body=schemas.MatchComplete, body_optional=True,
       response=schemas.MatchOut, errors=(403, 404, 409, 415, 422))
def matches_complete(item_id: int):
    _load(item_id)
    values = optional_body(schemas.MatchComplete)
    return _act(item_id, lambda i: lifecycle.complete(
        i, by=g.api_user, completed_on=values.completed_on,
        delivered_yuan=values.delivered_yuan, result_text=values.result_text,
        ip=request.remote_addr))


@route("POST", "/matches/{id}/cancel", summary="撤销对接，释放资金；请求体可省略",
       roles="协调员", body=schemas.MatchNote, body_optional=True, response=schemas.MatchOut,
       errors=(403, 404, 409, 415, 422))
def matches_cancel(item_id: int):
    note = optional_body(schemas.MatchNote).note
    return _act(item_id, lambda i: lifecycle.cancel(i, by=g.api_user, note=note,
                                                  ip=request.remote_addr))


@route("POST", "/matches/{id}/confirm-delivery", summary="供给方确认实际到位资金；请求体可省略",
       roles="供给方单位", response=schemas.MatchOut, errors=(403, 404, 409))
def matches_confirm_delivery(item_id: int):
    return _act(item_id, lambda i: delivery.confirm_delivery(i, by=g.api_user,
                                                             ip=request.remote_addr))


@route("POST", "/matches/{id}/dispute-delivery",
       summary="供给方对实际到位资金提出异议（进入协调员工作队列）", roles="供给方单位",
       body=schemas.MatchDispute, response=schemas.MatchOut, errors=(403, 404, 409, 415, 422))
def matches_dispute_delivery(item_id: int):
    _load(item_id)
    note = body(schemas.MatchDispute).note
    return _act(item_id, lambda i: delivery.dispute_delivery(i, by=g.api_user, note=note,
                                                             ip=request.remote_addr))


@route("POST", "/matches/{id}/correct",
       summary="协调员更正完成日期与实际到位资金（须填理由；异议随之解决）", roles="协调员",
       body=schemas.MatchCorrect, response=schemas.MatchOut, errors=(403, 404, 409, 415, 422))
def matches_correct(item_id: int):
    _load(item_id)
    values = body(schemas.MatchCorrect)
    return _act(item_id, lambda i: delivery.correct_completion(
        i, by=g.api_user, completed_on=values.completed_on,
        delivered_yuan=values.delivered_yuan, reason=values.reason, ip=request.remote_addr))
