"""The demo data set (``matchmaker/data/demo/``), loaded idempotently by ``flask demo``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import Need, Offer, Region, Sector
from ..models.base import utcnow
from ..services.accounts import identity
from ..services.organisations import directory
from ..services.reference.seed import DATA_DIR, read_csv

DEMO_DIR = DATA_DIR / "demo"


def wan_to_yuan(value: str) -> int:
    """'12.5' 万元 -> 125000 yuan."""
    return int(Decimal(value) * 10000)


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace(",", "、").split("、") if v.strip()]


def load_demo(password: str, folder: Path = DEMO_DIR) -> dict[str, int]:
    """Create the demo organisations, users, needs and offers that are missing."""
    created = {"organisations": 0, "users": 0, "needs": 0, "offers": 0}
    orgs = {}
    for row in read_csv(folder / "organisations.csv"):
        org = directory.get_by_name(row["name"])
        if org is None:
            org, _ = directory.create_organisation(
                name=row["name"],
                kind=row["kind"],
                region_code=row["region_code"] or None,
                uscc_code=row["uscc"] or None,
                legal_form=row["legal_form"] or None,
                status=row["status"],
                registration_authority=row["registration_authority"],
                contact_name=row["contact_name"],
                contact_phone=row["contact_phone"],
                contact_email=row["contact_email"],
            )
            created["organisations"] += 1
        orgs[org.name] = org

    for row in read_csv(folder / "users.csv"):
        if identity.get_user_by_email(row["email"]) is None:
            identity.create_user(
                email=row["email"],
                password=password,
                role=row["role"],
                display_name=row["display_name"],
                organisation=orgs.get(row["organisation"]),
            )
            created["users"] += 1

    created["needs"] = _load_needs(read_csv(folder / "needs.csv"), orgs)
    created["offers"] = _load_offers(read_csv(folder / "offers.csv"), orgs)
    db.session.flush()
    return created


def _existing_titles(model, org_ids) -> set[tuple[int, str]]:
    rows = db.session.execute(
        select(model.organisation_id, model.title).where(model.organisation_id.in_(org_ids))
    )
    return {(org_id, title) for org_id, title in rows}


def _common(row: dict[str, str], org) -> dict:
    status = row["status"] or "published"
    return {
        "organisation": org,
        "title": row["title"],
        "description": row["description"],
        "budget_yuan": wan_to_yuan(row["budget_wan"]),
        "committed_yuan": 0,
        "start_date": _date(row["start_date"]),
        "end_date": _date(row["end_date"]),
        "status": status,
        "contact_name": row["contact_name"],
        "contact_phone": row["contact_phone"],
        "published_at": utcnow() if status == "published" else None,
    }


def _load_needs(rows: list[dict[str, str]], orgs: dict) -> int:
    seen = _existing_titles(Need, [o.id for o in orgs.values()])
    count = 0
    for row in rows:
        org = orgs[row["organisation"]]
        if (org.id, row["title"]) in seen:
            continue
        beneficiaries = row["beneficiaries"]
        db.session.add(
            Need(
                **_common(row, org),
                sector_code=row["sector_code"],
                region_code=row["region_code"],
                beneficiaries=int(beneficiaries) if beneficiaries else None,
            )
        )
        count += 1
    return count


def _load_offers(rows: list[dict[str, str]], orgs: dict) -> int:
    seen = _existing_titles(Offer, [o.id for o in orgs.values()])
    count = 0
    for row in rows:
        org = orgs[row["organisation"]]
        if (org.id, row["title"]) in seen:
            continue
        offer = Offer(**_common(row, org))
        offer.sectors = [db.session.get(Sector, c) for c in _split(row["sector_codes"])]
        offer.target_regions = [
            db.session.get(Region, c) for c in _split(row["target_region_codes"])
        ]
        db.session.add(offer)
        count += 1
    return count
