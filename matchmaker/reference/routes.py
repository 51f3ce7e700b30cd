"""Reference data pages: everyone reads; admins correct pairings and regions."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import unit_of_work
from ..extensions import db
from ..models import Pairing, Region, Sector
from ..models.regions import RECIPIENT_PROVINCES
from ..permissions import can_manage_reference_data, requires
from ..scoring import FACTOR_LABELS
from ..services.errors import DomainError
from ..services.localtime import format_datetime
from ..services.matching import decisions, weights
from ..services.params import page_args
from ..services.reference import corrections
from ..web import client_ip
from .forms import PairingForm, RegionForm

bp = Blueprint("reference", __name__, url_prefix="/reference")


def _recipient_provinces() -> list[Region]:
    return db.session.scalars(select(Region).where(Region.code.in_(RECIPIENT_PROVINCES))).all()


@bp.get("/pairings")
@login_required
def pairings():
    province = request.args.get("province") or None
    verified = request.args.get("verified") or None
    q = (request.args.get("q") or "").strip()[:50]
    page = db.paginate(
        corrections.pairings_query(province=province, verified=verified, q=q),
        **page_args(request.args, 50)
    )
    return render_template(
        "reference/pairings.html",
        page=page,
        provinces=_recipient_provinces(),
        filters={"province": province, "verified": verified, "q": q},
        can_edit=can_manage_reference_data(current_user),
    )


@bp.route("/pairings/<int:pairing_id>/edit", methods=["GET", "POST"])
@requires("manage_reference_data")
def edit_pairing(pairing_id: int):
    pairing = db.session.get(Pairing, pairing_id) or abort(404)
    form = PairingForm(obj=pairing)
    provinces = db.session.scalars(select(Region).where(Region.level == "province")
                                   .order_by(Region.code)).all()
    form.supporter_region_code.choices = [("", "（无）")] + [(r.code, r.name) for r in provinces]
    if form.validate_on_submit():
        change = corrections.PairingChange(
            supporter_region_code=form.supporter_region_code.data or None,
            verified=form.verified.data,
            active=form.active.data,
            source_url=(form.source_url.data or "").strip(),
            notes=(form.notes.data or "").strip(),
        )
        try:
            changed = unit_of_work.run(lambda: corrections.update_pairing(
                pairing, change, by=current_user, ip=client_ip()))
        except DomainError as exc:
            form.supporter_region_code.errors = exc.fields.get("supporter_region_code", [])
            return render_template("reference/edit_pairing.html", form=form,
                                   pairing=pairing), 422
        flash("已保存。" if changed else "没有改动。", "success")
        return redirect(url_for("reference.pairings"))
    status = 422 if form.errors else 200
    return render_template("reference/edit_pairing.html", form=form, pairing=pairing), status


@bp.get("/regions")
@requires("view_reference_staff")
def regions():
    province = request.args.get("province") or "540000"
    stmt = select(Region).where(Region.province_code == province).order_by(Region.code)
    return render_template(
        "reference/regions.html",
        regions=db.session.scalars(stmt).all(),
        provinces=_recipient_provinces(),
        province=province,
        can_edit=can_manage_reference_data(current_user),
    )


@bp.route("/regions/<code>/edit", methods=["GET", "POST"])
@requires("manage_reference_data")
def edit_region(code: str):
    region = db.session.get(Region, code) or abort(404)
    form = RegionForm(obj=region)
    if form.validate_on_submit():
        change = corrections.RegionChange(
            name=form.name.data.strip(),
            verified=form.verified.data,
            notes=(form.notes.data or "").strip(),
        )
        changed = unit_of_work.run(lambda: corrections.update_region(
            region, change, by=current_user, ip=client_ip()))
        flash("已保存。" if changed else "没有改动。", "success")
        return redirect(url_for("reference.regions", province=region.province_code))
    status = 422 if form.errors else 200
    return render_template("reference/edit_region.html", form=form, region=region), status


@bp.get("/sectors")
@requires("browse")
def sectors():
    rows = db.session.scalars(select(Sector).order_by(Sector.sort_order, Sector.code)).all()
    parents = [s for s in rows if s.parent_code is None]
    children: dict[str, list[Sector]] = {}
    for s in rows:
        if s.parent_code:
            children.setdefault(s.parent_code, []).append(s)
    return render_template("reference/sectors.html", parents=parents, children=children)


def _scoring_page(learned=None):
    return render_template(
        "reference/scoring.html", defaults=weights.default_weights(),
        current=weights.current_weights(), labels=FACTOR_LABELS,
        history=weights.history(), attempt=weights.last_attempt(), adopted=weights.latest(),
        beijing=format_datetime, decisions=decisions.counts(), learned=learned,
        can_learn=can_manage_reference_data(current_user))


@bp.get("/scoring")
@requires("tune_scoring")
def scoring():
    return _scoring_page()


@bp.post("/scoring/learn")
@requires("manage_reference_data")
def scoring_learn():
    ip = client_ip()
    try:
        result = unit_of_work.run(lambda: weights.learn(by=current_user, ip=ip))
    except DomainError as exc:
        flash(exc.message, "warning")
        return redirect(url_for("reference.scoring"))
    return _scoring_page(learned=result)


@bp.post("/scoring/defaults")
@requires("manage_reference_data")
def scoring_defaults():
    ip = client_ip()
    try:
        unit_of_work.run(lambda: weights.revert_to_defaults(by=current_user, ip=ip))
    except DomainError as exc:
        flash(exc.message, "warning")
    else:
        flash("已恢复默认权重。", "success")
    return redirect(url_for("reference.scoring"))
