"""Completion pages: report (with a confirmation step showing the figures), the offer
side's confirmation or dispute, a coordinator's correction and amount change."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from .. import unit_of_work
from ..permissions import authorise, requires
from ..services.errors import DomainError
from ..services.lists.rules import parse_date
from ..services.matching import delivery, figures, lifecycle
from ..services.money import parse_wan
from ..web import client_ip, form_errors_text
from .blueprint import bp
from .blueprint import load_match as _load
from .forms import AmountForm, CompleteForm, CorrectForm, DisputeForm, NoteForm


def _form_errors(form) -> DomainError:
    return DomainError(form_errors_text(form))


def _back(item_id: int):
    return redirect(url_for("matches.detail", item_id=item_id))


def _read(form, read, *, prefix: str = ""):
    """Validate ``form`` and return ``read()`` (its parsed values); None, after flashing why,
    when anything is wrong."""
    try:
        if not form.validate_on_submit():
            raise _form_errors(form)
        return read()
    except ValueError as exc:
        flash(f"{prefix}{exc}", "danger")
    except DomainError as exc:
        flash(exc.message, "danger")
    return None


def _dated_amount(form, field: str, match=None) -> tuple:
    """(completed_on, yuan) from a completion-like form; checked against ``match``."""
    completed_on = parse_date(form.completed_on.data)
    yuan = parse_wan(getattr(form, field).data)
    if match is not None:
        figures.check_figures(match, completed_on, yuan)
    return completed_on, yuan


def _run(item_id: int, operation, message: str):
    try:
        unit_of_work.run(operation)
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash(message, "success")
    return _back(item_id)


@bp.post("/<int:item_id>/complete")
@requires("browse")
def complete(item_id: int):
    """First submission: check the figures and show them for confirmation; the second
    (``confirmed=1``) reports the completion."""
    match = _load(item_id)
    authorise("complete_match", match)
    form = CompleteForm()
    values = _read(form, lambda: _dated_amount(form, "delivered_wan", match))
    if values is None:
        return _back(item_id)
    completed_on, delivered = values
    if form.confirmed.data != "1":
        return render_template("matches/complete_confirm.html", match=match, form=form,
                               completed_on=completed_on, delivered=delivered)
    return _run(item_id, lambda: lifecycle.complete(
        item_id, by=current_user, completed_on=completed_on, delivered_yuan=delivered,
        result_text=form.result_text.data or "", ip=client_ip()),
        "已报告完成，等待供给方确认到位资金。")


@bp.post("/<int:item_id>/confirm-delivery")
@requires("browse")
def confirm_delivery(item_id: int):
    authorise("confirm_delivery", _load(item_id))
    form = NoteForm()
    if not form.validate_on_submit():
        flash(_form_errors(form).message, "danger")
        return _back(item_id)
    return _run(item_id, lambda: delivery.confirm_delivery(item_id, by=current_user,
                                                           ip=client_ip()), "已确认到位资金。")


@bp.post("/<int:item_id>/dispute-delivery")
@requires("browse")
def dispute_delivery(item_id: int):
    authorise("confirm_delivery", _load(item_id))
    form = DisputeForm()
    if not form.validate_on_submit():
        flash(_form_errors(form).message, "danger")
        return _back(item_id)
    return _run(item_id, lambda: delivery.dispute_delivery(
        item_id, by=current_user, note=form.note.data, ip=client_ip()),
        "已提出异议，协调员将核实更正。")


@bp.post("/<int:item_id>/correct")
@requires("browse")
def correct(item_id: int):
    authorise("correct_completion", _load(item_id))
    form = CorrectForm()
    values = _read(form, lambda: _dated_amount(form, "delivered_wan"))
    if values is None:
        return _back(item_id)
    completed_on, delivered = values
    return _run(item_id, lambda: delivery.correct_completion(
        item_id, by=current_user, completed_on=completed_on, delivered_yuan=delivered,
        reason=form.reason.data, ip=client_ip()), "已更正完成情况。")


@bp.post("/<int:item_id>/amount")
@requires("browse")
def change_amount(item_id: int):
    authorise("change_match_amount", _load(item_id))
    form = AmountForm()
    amount = _read(form, lambda: parse_wan(form.amount_wan.data), prefix="对接金额：")
    if amount is None:
        return _back(item_id)
    return _run(item_id, lambda: delivery.change_amount(
        item_id, by=current_user, amount_yuan=amount, ip=client_ip()), "已调整对接金额。")
