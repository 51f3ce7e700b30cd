"""Organisations: list and vet (coordinators, admins), register (anyone, admin entry)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import unit_of_work
from ..extensions import db
from ..models import Organisation, Region
from ..models.organisations import ORG_KINDS, ORG_STATUSES
from ..permissions import (
    can_vet_organisations,
    can_view_organisation,
    needs_reauthentication,
    requires,
)
from ..services.accounts import registration
from ..services.errors import DomainError
from ..services.organisations import blacklist, screening, vetting
from ..services.params import page_args
from ..services.platform import audit_format, audit_history
from ..web import client_ip, commit_sensitive_action, flash_form_errors
from .forms import AdminOrganisationForm, RegisterForm, StatusForm, choices

bp = Blueprint("orgs", __name__)


def region_choices() -> list:
    rows = db.session.scalars(select(Region).where(
        Region.level.in_(("province", "prefecture", "bingtuan", "division"))
    ).order_by(Region.code)).all()
    return choices([("", "（请选择）")] + [(r.code, f"{r.name}（{r.code}）") for r in rows])


def details_from(form) -> registration.OrgDetails:
    return registration.OrgDetails(
        name=form.name.data.strip(), kind=form.kind.data, region_code=form.region.data or None,
        uscc=(form.uscc.data or "").strip() or None, legal_form=form.legal_form.data or None,
        registration_authority=form.registration_authority.data or "",
        is_charity=form.is_charity.data, has_public_fundraising=form.has_public_fundraising.data,
        contact_name=form.contact_name.data or "", contact_phone=form.contact_phone.data or "",
        contact_email=form.contact_email.data or "")


def _field_errors(form, exc: DomainError) -> None:
    aliases = {"org": "name", "region": "region"}
    for field, messages in exc.fields.items():
        target = getattr(form, aliases.get(field, field), None)
        if target is not None:
            target.errors = list(messages)
    if not exc.fields:
        flash(exc.message, "danger")


@bp.get("/orgs")
@requires("vet_organisations")
def index():
    status = request.args.get("status") or None
    kind = request.args.get("kind") or None
    q = (request.args.get("q") or "").strip()[:50]
    page = db.paginate(vetting.organisations_query(status=status, kind=kind, q=q),
                       **page_args(request.args, 20, 20), error_out=False)
    return render_template("orgs/list.html", page=page, statuses=ORG_STATUSES,
                           kinds=ORG_KINDS, filters={"status": status, "kind": kind, "q": q})


@bp.get("/orgs/<int:org_id>")
@requires("browse")
def detail(org_id: int):
    org = db.session.get(Organisation, org_id) or abort(404)
    if not can_view_organisation(current_user, org):
        abort(403)
    staff = can_vet_organisations(current_user)
    return render_template(
        "orgs/detail.html", org=org, staff=staff,
        form=StatusForm(status="verified" if org.status != "verified" else "suspended"),
        reauth=needs_reauthentication(current_user),
        open_matches=vetting.open_matches(org), hits=screening.hits_for(org) if staff else [],
        list_size=blacklist.entry_count() if staff else 0,
        history=audit_history.for_entity(org) if staff else [],
        format_changes=audit_format.format_changes)


@bp.post("/orgs/<int:org_id>/status")
@requires("vet_organisations")
def change_status(org_id: int):
    org = db.session.get(Organisation, org_id) or abort(404)
    form = StatusForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("orgs.detail", org_id=org.id))
    saved = commit_sensitive_action(
        "organisation.status", form.password.data,
        lambda: vetting.set_status(org, form.status.data, form.reason.data, by=current_user,
                                   ip=client_ip()))
    if saved:
        flash(f"已将“{org.name}”改为“{org.status_label}”。", "success")
    return redirect(url_for("orgs.detail", org_id=org.id))


@bp.route("/orgs/new", methods=["GET", "POST"])
@requires("register_organisations")
def create():
    form = AdminOrganisationForm()
    form.region.choices = region_choices()
    if form.validate_on_submit():
        try:
            org, warnings = unit_of_work.run(lambda: registration.create(
                details_from(form), status=form.status.data, by=current_user))
        except DomainError as exc:
            _field_errors(form, exc)
        else:
            for warning in warnings:
                flash(warning, "warning")
            flash(f"已登记“{org.name}”。", "success")
            return redirect(url_for("orgs.detail", org_id=org.id))
    status = 422 if request.method == "POST" else 200
    return render_template("orgs/form.html", form=form, admin=True), status


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    form.region.choices = region_choices()
    if form.validate_on_submit():
        first = registration.FirstUser(email=form.email.data, password=form.password.data,
                                       display_name=form.display_name.data,
                                       role=form.role.data)
        try:
            _org, _user, warnings = unit_of_work.run(lambda: registration.sign_up(
                details_from(form), first, ip=client_ip()))
        except DomainError as exc:
            _field_errors(form, exc)
        else:
            for warning in warnings:
                flash(warning, "warning")
            flash("注册已提交。审核通过前可以登录查看；单位审核通过后方可录入和发布需求或供给。",
                  "success")
            return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("orgs/form.html", form=form, admin=False), status
