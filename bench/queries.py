"""Benchmark: SQL statements per list request at page sizes 5, 50 and 100 (N+1 check).

    .venv/bin/python bench/queries.py          # the code of the current directory

Builds 100 needs and 100 offers, each from its own organisation, matched in pairs, on a
fresh SQLite file; counts statements with a ``before_cursor_execute`` listener.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.getcwd())

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from matchmaker import create_app  # noqa: E402
from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import Region  # noqa: E402
from matchmaker.services.accounts import identity  # noqa: E402
from matchmaker.services.reference import seed  # noqa: E402
from tests import factories  # noqa: E402
from tests.conftest import login  # noqa: E402
from tests.dashboard_helpers import make_match  # noqa: E402

ROWS = 100
URLS = ["/needs", "/offers", "/matches", "/orgs", "/api/v1/needs", "/api/v1/offers",
        "/api/v1/matches"]


def build(app) -> tuple[str, str]:
    with app.app_context():
        upgrade()
        seed.seed_all()
        counties = db.session.scalars(select(Region.code).where(
            Region.level == "county").order_by(Region.code).limit(ROWS)).all()
        needs, offers = [], []
        for i in range(ROWS):
            rec = factories.make_org(region_code=counties[i % len(counties)])
            sup = factories.make_org(region_code="310000")
            needs.append(factories.make_need(rec, region_code=counties[i % len(counties)]))
            offers.append(factories.make_offer(sup, sectors=("0104", "0201"),
                                               regions=(counties[i % len(counties)],)))
        for need, offer in zip(needs, offers, strict=True):
            make_match(need, offer, "confirmed", 100_000)
        user = factories.make_user("admin")
        token = identity.create_token(user, "bench")
        email = user.email
        db.session.commit()
    return email, token


def main() -> None:
    path = Path(tempfile.mkdtemp()) / "queries.sqlite"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    email, token = build(app)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    client = app.test_client()
    login(client, email)
    headers = {"Authorization": f"Bearer {token}"}
    print(f"code: {Path.cwd()}  (admin; {ROWS} needs, offers and matches)")
    print(f"{'endpoint':<20}" + "".join(f"{'per_page=' + str(n):>14}" for n in (5, 50, 100)))
    for url in URLS:
        counts = []
        for size in (5, 50, 100):
            statements.clear()
            response = client.get(f"{url}?per_page={size}",
                                  headers=headers if url.startswith("/api/") else {})
            assert response.status_code == 200, (url, response.status_code)
            counts.append(len(statements))
        print(f"{url:<20}" + "".join(f"{c:>14}" for c in counts))


if __name__ == "__main__":
    main()
