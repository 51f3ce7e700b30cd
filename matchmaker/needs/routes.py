"""需求清单 pages: browse, detail, create, edit, publish/close, delete drafts."""

from __future__ import annotations

from ..lists import views as lv
from ..models import Need
from ..permissions import can_post_need
from ..services.lists import needs
from ..services.lists.rules import SectorIndex
from ..services.reference import choices as region_choices
from ..services.reference.regions import RegionIndex
from .forms import NeedForm


def _build_form(org, raw) -> NeedForm:
    form = NeedForm(data=raw)
    form.sector.choices = lv.sector_choices()
    form.region.choices = region_choices.choices_below(org.region_code)
    return form


KIND = lv.ListKind(
    model=Need, service=needs, endpoint="needs", noun="需求", can_post=can_post_need,
    build_form=_build_form,
    clean=lambda raw, org: needs.clean(raw, org, RegionIndex(), SectorIndex()),
)

bp = lv.make_blueprint(KIND, "/needs")
