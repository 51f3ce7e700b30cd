"""Small factories for test data: real rows through the real ORM."""

from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from matchmaker.extensions import db
from matchmaker.models import Need, Offer, Organisation, Region, Sector, User
from matchmaker.models.base import utcnow

PASSWORD = "Passw0rd!"
_HASH = generate_password_hash(PASSWORD, method="scrypt")
_seq = itertools.count(1)

#: Default organisation region per role.
ROLE_REGION = {"recipient": "540200", "supporter": "310000", "coordinator": None, "admin": None}


def make_org(*, name=None, kind="bureau", region_code="540200", status="verified", **kw):
    org = Organisation(
        name=name or f"测试单位{next(_seq)}",
        kind=kind,
        region_code=region_code,
        status=status,
        legal_form=kw.pop("legal_form", "基金会" if kind == "social_org" else None),
        **kw,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(role="recipient", *, org=None, email=None, password_hash=_HASH, **kw):
    if org is None and role in ROLE_REGION:
        org = make_org(region_code=ROLE_REGION[role])
    user = User(
        email=email or f"user{next(_seq)}@example.cn",
        password_hash=password_hash,
        display_name=kw.pop("display_name", f"测试用户{next(_seq)}"),
        role=role,
        organisation=org,
        active=kw.pop("active", True),
        failed_login_count=0,
        **kw,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_need(org, **kw):
    values = {
        "title": f"测试需求{next(_seq)}",
        "sector_code": "0104",
        "region_code": org.region_code or "540200",
        "budget_yuan": 500_000,
        "committed_yuan": 0,
        "status": "published",
    }
    values.update(kw)
    need = Need(organisation=org, published_at=utcnow(), **values)
    db.session.add(need)
    db.session.flush()
    return need


def make_offer(org, *, sectors=("0104",), regions=(), **kw):
    values = {
        "title": f"测试供给{next(_seq)}",
        "budget_yuan": 1_000_000,
        "committed_yuan": 0,
        "status": "published",
    }
    values.update(kw)
    offer = Offer(organisation=org, published_at=utcnow(), **values)
    offer.sectors = [db.session.get(Sector, c) for c in sectors]
    offer.target_regions = [db.session.get(Region, c) for c in regions]
    db.session.add(offer)
    db.session.flush()
    return offer
