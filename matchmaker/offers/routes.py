"""供给清单 pages: browse, detail, create, edit, publish/close, delete drafts."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user, login_required

from .. import listing_views as lv
from ..models import Offer
from ..permissions import can_post_offer
from ..services import offers
from ..services.listing import SectorIndex
from ..services.regions import RegionIndex
from .forms import OfferForm

bp = Blueprint("offers", __name__, url_prefix="/offers")


def _build_form(org, raw):
    form = OfferForm(data=raw)
    form.sectors.choices = lv.sector_choices(blank=None)
    form.target_regions.choices = lv.target_region_choices(org)
    return form


KIND = lv.ListKind(
    model=Offer, service=offers, endpoint="offers", noun="供给", can_post=can_post_offer,
    build_form=_build_form,
    clean=lambda raw, org: offers.clean(raw, RegionIndex(), SectorIndex()),
)


@bp.get("")
@login_required
def index():
    return lv.list_page(Offer, "offers/list.html", can_post=can_post_offer(current_user))


@bp.get("/<int:item_id>")
@login_required
def detail(item_id: int):
    return lv.detail_page(Offer, item_id, "offers/detail.html")


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
    return lv.change_status(Offer, item_id, "offers.detail")


@bp.route("/<int:item_id>/delete", methods=["GET", "POST"])
@login_required
def delete(item_id: int):
    return lv.delete_page(Offer, item_id, "offers/delete.html", "offers.index", "offers.detail")
