"""对接 pages: ranked candidates, confirm/reject, the match page and its actions."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import unit_of_work
from ..extensions import db
from ..lists import views as lv
from ..models import Match, Need, Offer, Region
from ..models.matches import MATCH_STATUSES
from ..permissions import authorise, can, requires
from ..scoring import FACTOR_LABELS
from ..services.errors import DomainError
from ..services.lists import visibility as list_visibility
from ..services.matching import (
    candidates,
    figures,
    lifecycle,
    plans,
    requests,
    visibility,
    work_queue,
)
from ..services.matching import index as match_index
from ..services.money import parse_wan
from ..services.params import bounded_id, page_args
from ..services.platform import audit_history
from ..web import client_ip, flash_form_errors
from .blueprint import bp
from .blueprint import load_match as _load
from .forms import (
    AmountForm,
    CompleteForm,
    ConfirmForm,
    CorrectForm,
    DeclineForm,
    DisputeForm,
    NoteForm,
    RejectForm,
)


@bp.get("")
@requires("browse")
def index():
    stmt = visibility.visible_matches(current_user)
    status = request.args.get("status", "")
    if status in MATCH_STATUSES:
        stmt = stmt.where(Match.status == status)
    stmt = visibility.with_parties(stmt.order_by(Match.updated_at.desc(), Match.id.desc()))
    page = db.paginate(stmt,
                       **page_args(request.args, 20, 20))
    return render_template("matches/list.html", page=page, status=status,
                           statuses=MATCH_STATUSES)


def _candidates_page(model, item_id: int, finder, template: str):
    item = lv.load_visible(model, item_id)
    authorise("see_candidates", item)
    filters = candidates.CandidateFilters.from_args(request.args)
    page = finder(item, filters) if item.status == "published" else None
    provinces = db.session.execute(select(Region.code, Region.name).where(
        Region.level == "province").order_by(Region.code)).all()
    return render_template(template, item=item, rows=page.rows if page else [],
                           computed_at=page.computed_at if page else None, filters=filters,
                           supporter_provinces=[tuple(p) for p in provinces],
                           factor_labels=FACTOR_LABELS,
                           sectors=lv.sector_choices(blank="全部领域"),
                           confirm_form=ConfirmForm(), reject_form=RejectForm(),
                           open_pairs=requests.open_pairs(item),
                           item_requests=requests.for_item(item))


@bp.get("/need/<int:item_id>")
@requires("browse")
def for_need(item_id: int):
    return _candidates_page(Need, item_id, candidates.for_need, "matches/for_need.html")


@bp.get("/offer/<int:item_id>")
@requires("browse")
def for_offer(item_id: int):
    return _candidates_page(Offer, item_id, candidates.for_offer, "matches/for_offer.html")


@bp.post("/recompute")
@requires("decide_matches")
def recompute():
    """Refit the text model and rebuild the whole match index (推荐重新计算)."""
    if not NoteForm().validate_on_submit():
        flash("请求无效，请刷新后重试。", "danger")
        return redirect(_back())
    count = unit_of_work.run(lambda: match_index.rebuild(refit=True))
    flash(f"推荐已重新计算，共 {count} 条。", "success")
    return redirect(_back())


def _back() -> str:
    target = request.form.get("back", "")
    return target if target.startswith("/matches/") else url_for("matches.index")


def _decide(status: str, form) -> object:
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(_back())
    try:
        amount = parse_wan(form.amount_wan.data) if status == "confirmed" else 0
        decision = lifecycle.Decision(
            need_id=bounded_id(form.need_id.data) or 0,
            offer_id=bounded_id(form.offer_id.data) or 0,  # 0 names no row: a 422
            status=status, amount_yuan=amount, note=form.note.data or "")
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
@requires("decide_matches")
def confirm():
    return _decide("confirmed", ConfirmForm())


@bp.post("/reject")
@requires("decide_matches")
def reject():
    return _decide("rejected", RejectForm())


@bp.get("/<int:item_id>")
@requires("browse")
def detail(item_id: int):
    match = _load(item_id)
    continue_need = next_need = None
    if can(current_user, "decide_matches"):  # 继续为此需求对接 / 下一个需求
        if match.need.status == "published" and match.need.uncommitted_yuan > 0:
            continue_need = match.need
        next_need = work_queue.next_need(after_id=match.need_id)
    return render_template(
        "matches/detail.html", match=match, actions=lifecycle.actions_for(current_user, match),
        next_step=lifecycle.next_step(current_user, match),
        contacts=list_visibility.match_contacts(current_user, match),
        continue_need=continue_need, next_need=next_need,
        history=audit_history.for_entity(match), note_form=NoteForm(),
        complete_form=CompleteForm(), correct_form=CorrectForm(), dispute_form=DisputeForm(),
        amount_form=AmountForm(), today=figures.beijing_today(),
        first_day=figures.confirmation_date(match), factor_labels=FACTOR_LABELS)


def _act(item_id: int, action, message: str, allowed: str, form_class=NoteForm):
    authorise(allowed, _load(item_id))
    form = form_class()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("matches.detail", item_id=item_id))
    try:
        unit_of_work.run(lambda: action(form.note.data or ""))
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash(message, "success")
    return redirect(url_for("matches.detail", item_id=item_id))


@bp.post("/<int:item_id>/accept")
@requires("browse")
def accept(item_id: int):
    return _act(item_id, lambda note: lifecycle.accept(item_id, by=current_user, ip=client_ip()),
                "已接受。", "answer_match")


@bp.post("/<int:item_id>/decline")
@requires("browse")
def decline(item_id: int):
    return _act(item_id, lambda note: lifecycle.decline(item_id, by=current_user, note=note,
                                                      ip=client_ip()), "已谢绝，资金已释放。",
                "answer_match", DeclineForm)


@bp.post("/<int:item_id>/cancel")
@requires("browse")
def cancel(item_id: int):
    return _act(item_id, lambda note: lifecycle.cancel(item_id, by=current_user, note=note,
                                                     ip=client_ip()), "已撤销，资金已释放。",
                "cancel_match")


def _scope_args(args) -> tuple[str, str]:
    province = args.get("province", "")[:12]
    sector = "".join(c for c in args.get("sector", "") if "0" <= c <= "9")[:8]
    return province, sector


def _render_plan(rows, ticked: set[int], province: str, sector: str):
    total = sum(rows[k].amount_yuan for k in ticked) if rows else 0
    return render_template("matches/plan.html", rows=rows, ticked=ticked, ticked_total=total,
                           province=province, sector=sector,
                           min_score=current_app.config["PLAN_MIN_SCORE"],
                           sectors=lv.sector_choices(blank="全部领域"))


@bp.get("/plan")
@requires("decide_matches")
def plan():
    province, sector = _scope_args(request.args)
    rows = plans.suggest(province=province, sector=sector) if request.args.get("run") else None
    floor = current_app.config["PLAN_MIN_SCORE"]
    ticked = {k for k, r in enumerate(rows or []) if r.score * 100 >= floor}
    return _render_plan(rows, ticked, province, sector)


def _plan_id(text: str) -> int:
    """A need or offer id posted with the plan; junk or out of range: nothing confirmed."""
    value = bounded_id(text)
    if value is None:
        raise DomainError("建议方案数据有误，请重新生成方案。")
    return value


def _plan_score(text: str) -> float | None:
    """The score shown on the plan (points 0–100), carried for display only: the match
    records the score computed when it is confirmed."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 3 or int(text) > 100:
        return None
    return int(text) / 100


def _posted_plan(form) -> tuple[list[tuple[int, int, int, float | None]], set[int]]:
    """Every posted row (need, offer, yuan, score) and the indices ticked. A ticked row's
    amount must be valid (ValueError); an unticked one with junk counts as 0."""
    need_ids, offer_ids = form.getlist("need_id"), form.getlist("offer_id")
    amounts, scores = form.getlist("amount_wan"), form.getlist("score")
    if not len(need_ids) == len(offer_ids) == len(amounts):
        raise DomainError("建议方案数据有误，请重新生成方案。")
    if len(scores) != len(need_ids):  # the score is shown, never needed
        scores = [""] * len(need_ids)
    chosen = set(form.getlist("include"))
    rows, ticked = [], set()
    for k, (need_id, offer_id, amount_text, score_text) in enumerate(
            zip(need_ids, offer_ids, amounts, scores, strict=True)):
        if str(k) in chosen:
            amount = parse_wan(amount_text)
            ticked.add(k)
        else:
            try:
                amount = parse_wan(amount_text)
            except ValueError:
                amount = 0
        rows.append((_plan_id(need_id), _plan_id(offer_id), amount, _plan_score(score_text)))
    return rows, ticked


@bp.post("/plan/confirm")
@requires("decide_matches")
def plan_confirm():
    """Two steps: the first POST shows exactly what will be confirmed; only the second
    (``confirmed``) confirms, all or nothing. ``edit`` goes back to the plan as edited."""
    form = request.form
    province, sector = _scope_args(form)
    try:
        posted, ticked = _posted_plan(form)
        if "edit" in form:
            return _render_plan(plans.posted_rows(posted), ticked, province, sector)
        chosen = [posted[k][:3] for k in sorted(ticked)]
        if form.get("confirmed") != "1":
            if not chosen:
                raise DomainError("请至少选择一项对接。")
            rows = plans.posted_rows(posted)
            return render_template("matches/plan_confirm.html", rows=rows, ticked=ticked,
                                   chosen=[rows[k] for k in sorted(ticked)],
                                   province=province, sector=sector)
        created = unit_of_work.run(
            lambda: plans.confirm_all(chosen, by=current_user, ip=client_ip()))
    except ValueError as exc:
        flash(f"金额有误：{exc}", "danger")
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash(f"已按建议方案确认 {len(created)} 项对接。", "success")
        return redirect(url_for("matches.index", status="confirmed"))
    scope = {"run": 1, "province": province, "sector": sector} if province or sector else {}
    return redirect(url_for("matches.plan", **scope))
