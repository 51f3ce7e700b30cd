"""对接 pages: ranked candidates, confirm/reject, the match page and its actions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from .. import unit_of_work
from ..extensions import db
from ..lists import views as lv
from ..models import Match, Need, Offer, Region
from ..models.matches import MATCH_STATUSES
from ..permissions import (
    can_answer_match,
    can_decide_matches,
    can_see_candidates,
    can_view_match,
    is_staff,
)
from ..services.errors import DomainError
from ..services.lists.rules import parse_date, parse_wan
from ..services.matching import candidates, lifecycle, plans, ranking
from ..services.platform import audit_history
from ..web import client_ip
from .forms import CompleteForm, ConfirmForm, NoteForm, RejectForm

bp = Blueprint("matches", __name__, url_prefix="/matches")


@bp.get("")
@login_required
def index():
    stmt = select(Match).join(Need, Match.need_id == Need.id).join(
        Offer, Match.offer_id == Offer.id)
    if not is_staff(current_user):
        org = current_user.organisation_id
        stmt = stmt.where(or_(Need.organisation_id == org, Offer.organisation_id == org))
    status = request.args.get("status", "")
    if status in MATCH_STATUSES:
        stmt = stmt.where(Match.status == status)
    page = db.paginate(stmt.order_by(Match.updated_at.desc(), Match.id.desc()), per_page=20)
    return render_template("matches/list.html", page=page, status=status,
                           statuses=MATCH_STATUSES)


def _candidates_page(model, item_id: int, finder, template: str):
    item = lv.load_visible(model, item_id)
    if not can_see_candidates(current_user, item):
        abort(403)
    filters = candidates.CandidateFilters.from_args(request.args)
    rows = finder(item, filters) if item.status == "published" else []
    provinces = db.session.execute(select(Region.code, Region.name).where(
        Region.level == "province").order_by(Region.code)).all()
    return render_template(template, item=item, rows=rows, filters=filters,
                           supporter_provinces=[tuple(p) for p in provinces],
                           factor_labels=ranking.FACTOR_LABELS,
                           sectors=lv.sector_choices(blank="全部领域"),
                           can_decide=can_decide_matches(current_user),
                           confirm_form=ConfirmForm(), reject_form=RejectForm())


@bp.get("/need/<int:item_id>")
@login_required
def for_need(item_id: int):
    return _candidates_page(Need, item_id, candidates.for_need, "matches/for_need.html")


@bp.get("/offer/<int:item_id>")
@login_required
def for_offer(item_id: int):
    return _candidates_page(Offer, item_id, candidates.for_offer, "matches/for_offer.html")


def _back() -> str:
    target = request.form.get("back", "")
    return target if target.startswith("/matches/") else url_for("matches.index")


def _decide(status: str, form) -> object:
    if not can_decide_matches(current_user):
        abort(403)
    if not form.validate_on_submit():
        for messages in form.errors.values():
            flash("；".join(messages), "danger")
        return redirect(_back())
    need = db.session.get(Need, int(form.need_id.data or 0))
    offer = db.session.get(Offer, int(form.offer_id.data or 0))
    try:
        amount = parse_wan(form.amount_wan.data) if status == "confirmed" else 0
        scored = ranking.score_pair(need, offer) if need and offer else {}
        decision = lifecycle.Decision(
            need_id=need.id if need else 0, offer_id=offer.id if offer else 0, status=status,
            amount_yuan=amount, note=form.note.data or "", score=scored.get("score"),
            factors=scored.get("factors"), reasons=tuple(scored.get("reasons", ())))
        match = unit_of_work.run(
            lambda: lifecycle.decide(decision, by=current_user, ip=client_ip()))
    except ValueError as exc:
        flash(f"对接金额：{exc}", "danger")
        return redirect(_back())
    except DomainError as exc:
        flash(exc.message, "danger")
        return redirect(_back())
    if status == "confirmed":
        flash("已确认对接，资金已锁定，等待双方接受。", "success")
        return redirect(url_for("matches.detail", item_id=match.id))
    flash("已否决，该组合不会再出现在推荐中。", "info")
    return redirect(_back())


@bp.post("/confirm")
@login_required
def confirm():
    return _decide("confirmed", ConfirmForm())


@bp.post("/reject")
@login_required
def reject():
    return _decide("rejected", RejectForm())


def _load(item_id: int) -> Match:
    match = db.session.get(Match, item_id)
    if match is None or not can_view_match(current_user, match):
        abort(404)
    return match


@bp.get("/<int:item_id>")
@login_required
def detail(item_id: int):
    match = _load(item_id)
    return render_template(
        "matches/detail.html", match=match, side=lifecycle.side_of(current_user, match),
        history=audit_history.for_entity(match), note_form=NoteForm(),
        complete_form=CompleteForm(), factor_labels=ranking.FACTOR_LABELS)


def _act(item_id: int, action, message: str, allowed):
    match = _load(item_id)
    if not allowed(current_user, match):
        abort(403)
    form = NoteForm()
    if not form.validate_on_submit():
        flash("；".join(m for ms in form.errors.values() for m in ms) or "请求无效。", "danger")
        return redirect(url_for("matches.detail", item_id=item_id))
    try:
        unit_of_work.run(lambda: action(form.note.data or ""))
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash(message, "success")
    return redirect(url_for("matches.detail", item_id=item_id))


@bp.post("/<int:item_id>/accept")
@login_required
def accept(item_id: int):
    return _act(item_id, lambda note: lifecycle.accept(item_id, by=current_user, ip=client_ip()),
                "已接受。", can_answer_match)


@bp.post("/<int:item_id>/decline")
@login_required
def decline(item_id: int):
    return _act(item_id, lambda note: lifecycle.decline(item_id, by=current_user, note=note,
                                                      ip=client_ip()), "已谢绝，资金已释放。",
                can_answer_match)


@bp.post("/<int:item_id>/cancel")
@login_required
def cancel(item_id: int):
    return _act(item_id, lambda note: lifecycle.cancel(item_id, by=current_user, note=note,
                                                     ip=client_ip()), "已撤销，资金已释放。",
                lambda user, match: can_decide_matches(user))


@bp.post("/<int:item_id>/complete")
@login_required
def complete(item_id: int):
    if lifecycle.side_of(current_user, _load(item_id)) != "need":
        abort(403)
    form = CompleteForm()
    try:
        if not form.validate_on_submit():
            raise DomainError("；".join(m for ms in form.errors.values() for m in ms))
        completed_on = parse_date(form.completed_on.data)
        delivered = parse_wan(form.delivered_wan.data)
        unit_of_work.run(lambda: lifecycle.complete(
            item_id, by=current_user, completed_on=completed_on,
                                        delivered_yuan=delivered,
                                        result_text=form.result_text.data or "",
                                        ip=client_ip()))
    except ValueError as exc:
        flash(str(exc), "danger")
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash("已报告完成。", "success")
    return redirect(url_for("matches.detail", item_id=item_id))


@bp.get("/plan")
@login_required
def plan():
    if not can_decide_matches(current_user):
        abort(403)
    province = request.args.get("province", "")[:12]
    sector = "".join(c for c in request.args.get("sector", "") if c.isdigit())[:8]
    rows = plans.suggest(province=province, sector=sector) if request.args.get("run") else None
    return render_template("matches/plan.html", rows=rows, province=province, sector=sector,
                           sectors=lv.sector_choices(blank="全部领域"))


@bp.post("/plan/confirm")
@login_required
def plan_confirm():
    if not can_decide_matches(current_user):
        abort(403)
    form = request.form
    chosen = set(form.getlist("include"))
    try:
        rows = [(int(n), int(o), parse_wan(a)) for k, (n, o, a) in enumerate(zip(
            form.getlist("need_id"), form.getlist("offer_id"), form.getlist("amount_wan"),
            strict=True)) if str(k) in chosen]
        created = unit_of_work.run(lambda: plans.confirm_all(rows, by=current_user, ip=client_ip()))
    except ValueError as exc:
        flash(f"金额有误：{exc}", "danger")
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash(f"已按建议方案确认 {len(created)} 项对接。", "success")
        return redirect(url_for("matches.index", status="confirmed"))
    return redirect(request.referrer if (request.referrer or "").startswith(
        request.host_url) else url_for("matches.plan"))
