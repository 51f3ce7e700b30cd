"""Model → JSON dicts for API v1 (fields as the contract names them)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import g

from ..models import Match, Need, Offer
from ..services.lists.visibility import contacts_shown, shows_contact


def timestamp(value: datetime) -> str:
    """RFC 3339 ``date-time`` (as the OpenAPI document declares): stored naive UTC → ``…Z``."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat() + "Z"


def _item(item, user, show: bool | None = None) -> dict:
    if show is None:
        show = shows_contact(user, item)
    return {
        "id": item.id, "title": item.title, "description": item.description,
        "budget_yuan": item.budget_yuan, "committed_yuan": item.committed_yuan,
        "start_date": item.start_date.isoformat() if item.start_date else None,
        "end_date": item.end_date.isoformat() if item.end_date else None,
        "status": item.status, "organisation_id": item.organisation_id,
        "created_at": timestamp(item.created_at), "updated_at": timestamp(item.updated_at),
        "contact_name": item.contact_name if show else None,
        "contact_phone": item.contact_phone if show else None,
    }


def need(item: Need, show: bool | None = None) -> dict:
    return {**_item(item, g.api_user, show), "sector_code": item.sector_code,
            "region_code": item.region_code, "beneficiaries": item.beneficiaries,
            "uncommitted_yuan": item.uncommitted_yuan}


def offer(item: Offer, show: bool | None = None) -> dict:
    return {**_item(item, g.api_user, show), "sector_codes": item.sector_codes,
            "target_region_codes": item.target_region_codes,
            "remaining_yuan": item.remaining_yuan}


def page_of(serialise):
    """A page serialiser for ``need`` or ``offer``: contact visibility is worked out once
    for the whole page, not per row."""

    def many(items: list) -> list[dict]:
        shown = contacts_shown(g.api_user, items)
        return [serialise(item, item.id in shown) for item in items]

    return many


def match(item: Match) -> dict:
    return {
        "id": item.id, "need_id": item.need_id, "offer_id": item.offer_id,
        "amount_yuan": item.amount_yuan, "score": item.score,
        "factors": item.factors or {}, "reasons": item.reasons or [], "status": item.status,
        "note": item.note, "need_accepted": item.need_accepted_at is not None,
        "offer_accepted": item.offer_accepted_at is not None,
        "completed_on": item.completed_on.isoformat() if item.completed_on else None,
        "delivered_yuan": item.delivered_yuan, "result_text": item.result_text,
        "delivery_status": item.delivery_status, "dispute_note": item.dispute_note or "",
        "created_at": timestamp(item.created_at), "updated_at": timestamp(item.updated_at),
    }
