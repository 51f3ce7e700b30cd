"""供给清单 pages: browse, detail, create, edit, publish/close, delete drafts."""

from __future__ import annotations

from ..lists import views as lv
from ..models import Offer
from ..permissions import can_post_offer
from ..services.lists import offers
from ..services.lists.rules import SectorIndex
from ..services.reference import choices as region_choices
from ..services.reference.regions import RegionIndex
from .forms import OfferForm


def _build_form(org, raw) -> OfferForm:
    form = OfferForm(data=raw)
    form.sectors.choices = lv.sector_choices(blank=None)
    form.target_regions.choices = region_choices.offer_target_choices(org)
    return form


KIND = lv.ListKind(
    model=Offer, service=offers, endpoint="offers", noun="供给", can_post=can_post_offer,
    build_form=_build_form,
    clean=lambda raw, org: offers.clean(raw, RegionIndex(), SectorIndex()),
)

bp = lv.make_blueprint(KIND, "/offers")
