"""需求清单 pages: browse, detail, create, edit, publish/close, delete drafts."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user, login_required

from .. import listing_views as lv
from ..models import Need
from ..permissions import can_post_need
from ..services import needs
from ..services.listing import SectorIndex
from ..services.regions import RegionIndex
from .forms import NeedForm

bp = Blueprint("needs", __name__, url_prefix="/needs")


def _build_form(org, raw):
    form = NeedForm(data=raw)
    form.sector.choices = lv.sector_choices()
    form.region.choices = [(r.code, r.name) for r in RegionIndex().choices_below(org.region_code)]
    return form


KIND = lv.ListKind(
    model=Need, service=needs, endpoint="needs", noun="需求", can_post=can_post_need,
    build_form=_build_form,
    clean=lambda raw, org: needs.clean(raw, org, RegionIndex(), SectorIndex()),
)


@bp.get("")
@login_required
def index():
    return lv.list_page(Need, "needs/list.html", can_post=can_post_need(current_user))


@bp.get("/<int:item_id>")
@login_required
def detail(item_id: int):
    return lv.detail_page(Need, item_id, "needs/detail.html")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    return lv.form_page(KIND)


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(item_id: int):
    return lv.form_page(KIND, item_id)


@bp.post("/<int:item_id>/status")
@login_required
def status(item_id: int):
    return lv.change_status(Need, item_id, "needs.detail")


@bp.route("/<int:item_id>/delete", methods=["GET", "POST"])
@login_required
def delete(item_id: int):
    return lv.delete_page(Need, item_id, "needs/delete.html", "needs.index", "needs.detail")
