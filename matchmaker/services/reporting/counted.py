"""Which delivered money the reports count: completed matches whose figures the offer
side confirmed (or a coordinator corrected), completed no later than today (Beijing
time), delivered by a verified organisation. 表彰, certificates and 实际到位 totals all
use these conditions."""

from __future__ import annotations

from sqlalchemy import select

from ...models import Match, Offer, Organisation
from ...permissions import ACTING_ORG_STATUSES
from ..matching.figures import beijing_today


def counted_delivery() -> list:
    """SQL conditions on ``Match`` for delivered money that counts."""
    verified_offers = select(Offer.id).join(
        Organisation, Organisation.id == Offer.organisation_id).where(
        Organisation.status.in_(ACTING_ORG_STATUSES))
    return [Match.status == "completed", Match.delivery_status == "confirmed",
            Match.completed_on <= beijing_today(), Match.offer_id.in_(verified_offers)]
