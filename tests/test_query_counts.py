"""SQL statements per request do not grow with the page size (no N+1 on lists).

Each list endpoint is fetched with a small and a large ``per_page`` over a world where
every row has its own organisation, region, sectors and target regions (so nothing is
shared through the session's identity map). Requests run without the test's app context:
each has a fresh session, as in production. Statements are counted with a
``before_cursor_execute`` listener on the engine.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from matchmaker.extensions import db
from matchmaker.models import Region
from matchmaker.services.accounts import identity
from tests import factories
from tests.conftest import _clean, login
from tests.dashboard_helpers import make_match

ROWS = 12
SMALL, LARGE = 3, 12


@contextmanager
def counting(app):
    """Collect the SQL statements run while the block runs."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listen)


@pytest.fixture()
def world(app):
    """ROWS needs and offers, each from its own organisation in its own region, matched
    in pairs; users of the first need's organisation, a coordinator and an admin."""
    with app.app_context():
        counties = db.session.scalars(select(Region.code).where(
            Region.level == "county", Region.province_code == "540000")
            .order_by(Region.code).limit(ROWS)).all()
        supporters = db.session.scalars(select(Region.code).where(
            Region.level == "province", Region.province_code.notin_(("540000", "650000")))
            .order_by(Region.code).limit(ROWS)).all()
        needs, offers = [], []
        for i in range(ROWS):
            rec = factories.make_org(region_code=counties[i])
            sup = factories.make_org(region_code=supporters[i % len(supporters)])
            needs.append(factories.make_need(rec, region_code=counties[i],
                                             contact_name="联系人"))
            offers.append(factories.make_offer(sup, sectors=("0104", "0201"),
                                               regions=(counties[i],), contact_name="联系人"))
        for need, offer in zip(needs, offers, strict=True):
            make_match(need, offer, "confirmed", 100_000)
        recipient = factories.make_user("recipient", org=needs[0].organisation)
        coordinator = factories.make_user("coordinator")
        admin = factories.make_user("admin")
        tokens = {u.role: identity.create_token(u, "counts")
                  for u in (recipient, coordinator)}
        emails = {u.role: u.email for u in (recipient, coordinator, admin)}
        db.session.commit()
    yield {"tokens": tokens, "emails": emails}
    _clean(app)


def _web_client(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _count(app, client, url: str, **kw) -> int:
    with counting(app) as statements:
        response = client.get(url, **kw)
    assert response.status_code == 200, (url, response.status_code)
    if os.environ.get("SHOW_SQL"):
        print(url, *[" ".join(s.split())[:160] for s in statements], sep="\n  ")
    return len(statements)


WEB_LISTS = [("recipient", "/needs", 100), ("recipient", "/offers", 100),
             ("recipient", "/matches", 20), ("coordinator", "/matches", 20),
             ("admin", "/orgs", 20), ("coordinator", "/needs", 100),
             ("recipient", "/reference/pairings", 50)]
API_LISTS = [("recipient", "/api/v1/needs"), ("recipient", "/api/v1/offers"),
             ("recipient", "/api/v1/matches"), ("coordinator", "/api/v1/offers"),
             ("coordinator", "/api/v1/matches")]


@pytest.mark.parametrize(("role", "path", "_max"), WEB_LISTS)
def test_web_list_queries_do_not_grow_with_the_page(app, world, role, path, _max):
    client = _web_client(app, world["emails"][role])
    client.get(f"{path}?per_page=1")  # warm per-process caches (reference indexes)
    small = _count(app, client, f"{path}?per_page={SMALL}")
    large = _count(app, client, f"{path}?per_page={LARGE}")
    assert small == large, (path, small, large)
    assert large <= 12, (path, large)


@pytest.mark.parametrize(("role", "path"), API_LISTS)
def test_api_list_queries_do_not_grow_with_the_page(app, world, role, path):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {world['tokens'][role]}"}
    client.get(f"{path}?per_page=1", headers=headers)
    small = _count(app, client, f"{path}?per_page={SMALL}", headers=headers)
    large = _count(app, client, f"{path}?per_page={LARGE}", headers=headers)
    assert small == large, (path, small, large)
    assert large <= 8, (path, large)
