"""申请对接 pages: a side asks for a candidate pair (from its candidates page); the
coordinators' queue of requests, where they confirm (the normal 确认对接) or decline."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import unit_of_work
from ..lists import views as lv
from ..models import Need, Offer
from ..permissions import can, requires
from ..services.errors import DomainError
from ..services.matching import candidates, requests, work_queue
from ..services.params import bounded_id
from ..web import client_ip, flash_form_errors
from .blueprint import bp
from .forms import ConfirmForm, RequestDeclineForm, RequestForm


def _candidates_url(item) -> str:
    kind = "for_need" if isinstance(item, Need) else "for_offer"
    return url_for(f"matches.{kind}", item_id=item.id)


@bp.post("/requests")
@requires("browse")
def request_create():
    form = RequestForm()
    need = lv.load_visible(Need, bounded_id(form.need_id.data) or 0)
    offer = lv.load_visible(Offer, bounded_id(form.offer_id.data) or 0)
    own = need if can(current_user, "request_match", need) else offer
    if not can(current_user, "request_match", own):
        abort(403)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(_candidates_url(own))
    try:
        unit_of_work.run(lambda: requests.ask(need.id, offer.id, by=current_user,
                                              note=form.note.data or "", ip=client_ip()))
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash("已申请对接，协调员将在工作台处理；处理结果会通知您。", "success")
    return redirect(_candidates_url(own))


@bp.get("/requests")
@requires("decide_matches")
def request_queue():
    rows = [(r, candidates.default_amount(r.need, r.offer))
            for r in work_queue.open_requests(limit=100)]
    return render_template("matches/requests.html", rows=rows,
                           handled=work_queue.handled_requests(limit=20),
                           confirm_form=ConfirmForm(), decline_form=RequestDeclineForm())


@bp.post("/requests/<int:req_id>/decline")
@requires("decide_matches")
def request_decline(req_id: int):
    try:
        requests.load(req_id)
    except DomainError:
        abort(404)
    form = RequestDeclineForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("matches.request_queue"))
    try:
        unit_of_work.run(lambda: requests.decline(req_id, by=current_user,
                                                  reason=form.reason.data, ip=client_ip()))
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash("已不采纳该申请，已通知申请人。", "info")
    return redirect(url_for("matches.request_queue"))
