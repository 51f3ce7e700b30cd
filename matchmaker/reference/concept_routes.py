"""项目类型词库 pages: staff read the concept lexicon; admins add, correct and disable
concepts and their synonyms (each edit rebuilds the match index after it commits)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from .. import unit_of_work
from ..extensions import db
from ..models import Concept, ConceptTerm, Sector
from ..permissions import can_edit_lexicon, requires
from ..services.errors import DomainError
from ..services.params import page_args
from ..services.reference import lexicon
from ..web import client_ip, flash_form_errors
from .forms import ActiveForm, ConceptForm, TermForm
from .routes import bp


def _sector_choices() -> list[tuple[str, str]]:
    rows = db.session.scalars(select(Sector).order_by(Sector.sort_order, Sector.code)).all()
    return [("", "（不限领域）")] + [(s.code, s.full_name) for s in rows]


def _concept_input(form: ConceptForm) -> lexicon.ConceptInput:
    return lexicon.ConceptInput(name=form.name.data or "", sector_code=form.sector_code.data
                                or None, notes=form.notes.data or "")


def _apply_field_errors(form, exc: DomainError) -> None:
    for name, messages in exc.fields.items():
        if name in form:
            form[name].errors = list(messages)
    if not any(name in form for name in exc.fields):
        flash(exc.message, "danger")


@bp.get("/concepts")
@requires("view_lexicon")
def concepts():
    q = (request.args.get("q") or "").strip()[:50]
    sector = request.args.get("sector") or None
    state = request.args.get("state") or None
    page = db.paginate(lexicon.search(q, sector, state), **page_args(request.args, 30))
    totals = dict(db.session.execute(select(Concept.active, func.count())
                                     .group_by(Concept.active)).all())
    parents = db.session.scalars(select(Sector).where(Sector.parent_code.is_(None))
                                 .order_by(Sector.sort_order, Sector.code)).all()
    return render_template("reference/concepts.html", page=page, parents=parents,
                           filters={"q": q, "sector": sector, "state": state},
                           active_count=totals.get(True, 0), disabled_count=totals.get(False, 0),
                           can_edit=can_edit_lexicon(current_user),
                           scored=lexicon.score_weight() > 0)


@bp.route("/concepts/new", methods=["GET", "POST"])
@requires("edit_lexicon")
def new_concept():
    form = ConceptForm()
    form.sector_code.choices = _sector_choices()
    if form.validate_on_submit():
        try:
            concept = unit_of_work.run(lambda: lexicon.create_concept(
                _concept_input(form), by=current_user, ip=client_ip()))
        except DomainError as exc:
            _apply_field_errors(form, exc)
        else:
            flash(f"已添加项目类型“{concept.name}”，推荐将按新词库重新计算。", "success")
            return redirect(url_for("reference.edit_concept", concept_id=concept.id))
    status = 422 if form.errors or request.method == "POST" else 200
    return render_template("reference/concept_new.html", form=form), status


def _edit_page(concept: Concept, form: ConceptForm | None = None,
               term_form: TermForm | None = None, status: int = 200):
    if form is None:
        form = ConceptForm(obj=concept, formdata=None)
    form.sector_code.choices = _sector_choices()
    return render_template("reference/concept_edit.html", concept=concept, form=form,
                           term_form=term_form or TermForm(formdata=None)), status


@bp.route("/concepts/<int:concept_id>", methods=["GET", "POST"])
@requires("edit_lexicon")
def edit_concept(concept_id: int):
    concept = db.session.get(Concept, concept_id) or abort(404)
    if request.method == "GET":
        return _edit_page(concept)
    form = ConceptForm()
    form.sector_code.choices = _sector_choices()
    if form.validate_on_submit():
        try:
            changed = unit_of_work.run(lambda: lexicon.update_concept(
                concept, _concept_input(form), by=current_user, ip=client_ip()))
        except DomainError as exc:
            _apply_field_errors(form, exc)
        else:
            flash("已保存，推荐将按新词库重新计算。" if changed else "没有改动。", "success")
            return redirect(url_for("reference.edit_concept", concept_id=concept.id))
    db.session.refresh(concept)
    return _edit_page(concept, form=form, status=422)


@bp.post("/concepts/<int:concept_id>/active")
@requires("edit_lexicon")
def concept_active(concept_id: int):
    concept = db.session.get(Concept, concept_id) or abort(404)
    form = ActiveForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("reference.edit_concept", concept_id=concept.id))
    active = form.active.data == "1"
    changed = unit_of_work.run(lambda: lexicon.set_concept_active(
        concept, active, by=current_user, ip=client_ip()))
    if changed:
        flash(f"已{'启用' if active else '停用'}项目类型“{concept.name}”。", "success")
    return redirect(url_for("reference.edit_concept", concept_id=concept.id))


@bp.post("/concepts/<int:concept_id>/terms")
@requires("edit_lexicon")
def add_term(concept_id: int):
    concept = db.session.get(Concept, concept_id) or abort(404)
    term_form = TermForm()
    if term_form.validate_on_submit():
        try:
            unit_of_work.run(lambda: lexicon.add_term(concept, term_form.term.data,
                                                      by=current_user, ip=client_ip()))
        except DomainError as exc:
            _apply_field_errors(term_form, exc)
        else:
            flash(f"已添加同义词“{term_form.term.data.strip()}”。", "success")
            return redirect(url_for("reference.edit_concept", concept_id=concept.id))
    db.session.refresh(concept)
    return _edit_page(concept, term_form=term_form, status=422)


@bp.post("/concepts/terms/<int:term_id>")
@requires("edit_lexicon")
def edit_term(term_id: int):
    term = db.session.get(ConceptTerm, term_id) or abort(404)
    concept = term.concept
    form = TermForm()
    if form.validate_on_submit():
        try:
            changed = unit_of_work.run(lambda: lexicon.update_term(
                term, form.term.data, by=current_user, ip=client_ip()))
        except DomainError as exc:
            flash(exc.message, "danger")
        else:
            flash("已修改同义词。" if changed else "没有改动。", "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("reference.edit_concept", concept_id=concept.id))


@bp.post("/concepts/terms/<int:term_id>/active")
@requires("edit_lexicon")
def term_active(term_id: int):
    term = db.session.get(ConceptTerm, term_id) or abort(404)
    concept_id = term.concept_id
    form = ActiveForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("reference.edit_concept", concept_id=concept_id))
    active = form.active.data == "1"
    if unit_of_work.run(lambda: lexicon.set_term_active(term, active, by=current_user,
                                                        ip=client_ip())):
        flash(f"已{'启用' if active else '停用'}同义词“{term.term}”。", "success")
    return redirect(url_for("reference.edit_concept", concept_id=concept_id))
