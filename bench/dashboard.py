"""Benchmark: render the coordinator dashboard pages over a large synthetic database.

    .venv/bin/python bench/dashboard.py [--db URL] [--needs 10000] [--offers 10000]
                                        [--matches 5000] [--runs 10]

--db defaults to a fresh temporary SQLite file. A PostgreSQL URL must name a scratch
database: its public schema is dropped and rebuilt. Rows are inserted in bulk; each page is
rendered through the Flask test client (warm-up once, then --runs times) and the median and
worst times are printed against the 300 ms target.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from matchmaker import create_app  # noqa: E402
from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import Match, Need, Offer, Organisation, Region, Sector, User  # noqa: E402
from matchmaker.models.base import utcnow  # noqa: E402
from matchmaker.models.offers import offer_regions, offer_sectors  # noqa: E402
from matchmaker.services.accounts import sessions

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fresh import fresh_database  # noqa: E402

PAGES = ["/dashboard/", "/dashboard/gaps", "/dashboard/map", "/dashboard/honours",
         "/dashboard/?province=540000&from=2025-01-01&to=2026-12-31"]
TARGET_MS = 300


def _bulk(model_or_table, rows: list[dict], chunk: int = 2000) -> None:
    table = getattr(model_or_table, "__table__", model_or_table)
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(table), rows[start:start + chunk])


def populate(n_needs: int, n_offers: int, n_matches: int) -> str:
    """Insert organisations, needs, offers and matches; return a coordinator session token."""
    rng = random.Random(8)
    now = utcnow()
    recipients = list(db.session.scalars(select(Region.code).where(
        Region.province_code.in_(("540000", "650000", "XJBT00")),
        Region.level.in_(("county", "prefecture", "division")))))
    provinces = list(db.session.scalars(select(Region.code).where(Region.level == "province")))
    sectors = list(db.session.scalars(select(Sector.code).where(Sector.parent_code.is_not(None))))
    orgs = [{"id": i, "name": f"基准单位{i}", "kind": "bureau" if i % 3 else "social_org",
             "legal_form": None if i % 3 else "基金会", "status": "verified",
             "uscc": f"{i:018d}" if i % 2 else None,
             "region_code": rng.choice(recipients) if i <= 60 else rng.choice(provinces),
             "created_at": now, "updated_at": now} for i in range(1, 261)]
    _bulk(Organisation, orgs)
    needs, offers = [], []
    for i in range(1, n_needs + 1):
        published = now - timedelta(days=rng.randint(0, 700))
        needs.append({"id": i, "organisation_id": rng.randint(1, 60), "title": f"基准需求{i}",
                      "sector_code": rng.choice(sectors), "region_code": rng.choice(recipients),
                      "budget_yuan": rng.randint(10, 500) * 10_000, "committed_yuan": 0,
                      "status": rng.choice(("published",) * 8 + ("draft", "closed")),
                      "published_at": published, "created_at": published,
                      "updated_at": published, "description": "", "contact_name": "",
                      "contact_phone": ""})
    for i in range(1, n_offers + 1):
        published = now - timedelta(days=rng.randint(0, 700))
        offers.append({"id": i, "organisation_id": rng.randint(61, 260), "title": f"基准供给{i}",
                       "budget_yuan": rng.randint(20, 2000) * 10_000, "committed_yuan": 0,
                       "status": rng.choice(("published",) * 9 + ("closed",)),
                       "published_at": published, "created_at": published,
                       "updated_at": published, "description": "", "contact_name": "",
                       "contact_phone": ""})
    matches = []
    for i, need in enumerate(rng.sample(needs, n_matches), start=1):
        offer = offers[rng.randrange(n_offers)]
        amount = min(need["budget_yuan"] - need["committed_yuan"],
                     offer["budget_yuan"] - offer["committed_yuan"]) // 2
        status = rng.choice(("confirmed", "accepted", "accepted", "completed", "completed",
                             "rejected", "declined"))
        created = need["published_at"] + timedelta(days=rng.randint(1, 60))
        row = {"id": i, "need_id": need["id"], "offer_id": offer["id"], "status": status,
               "amount_yuan": amount if status != "rejected" else 0, "factors": {},
               "reasons": [], "note": "", "result_text": "", "created_at": created,
               "updated_at": created, "need_accepted_at": None, "offer_accepted_at": None,
               "completed_on": None, "delivered_yuan": None}
        if status in ("accepted", "completed"):
            row["need_accepted_at"] = created + timedelta(days=rng.randint(0, 20))
            row["offer_accepted_at"] = created + timedelta(days=rng.randint(0, 20))
        if status == "completed":
            row["completed_on"] = (created + timedelta(days=rng.randint(30, 300))).date()
            row["delivered_yuan"] = amount
        if status in ("confirmed", "accepted", "completed"):
            need["committed_yuan"] += amount
            offer["committed_yuan"] += amount
        matches.append(row)
    _bulk(Need, needs)
    _bulk(Offer, offers)
    _bulk(offer_sectors, [{"offer_id": o["id"], "sector_code": c} for o in offers
                          for c in rng.sample(sectors, 2)])
    _bulk(offer_regions, [{"offer_id": o["id"], "region_code": rng.choice(recipients)}
                          for o in offers if o["id"] % 2])
    _bulk(Match, matches)
    user = User(email="bench@example.cn", password_hash="!",  # noqa: S106 - no login
                display_name="基准协调员",
                role="coordinator", active=True, failed_login_count=0)
    db.session.add(user)
    db.session.flush()
    token = sessions.start(user, ip=None, user_agent="bench")  # a server-side session
    db.session.commit()
    return token


def run(url: str, needs: int, offers: int, matches: int, runs: int) -> bool:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        fresh_database()
        start = time.perf_counter()
        session_token = populate(needs, offers, matches)
        if url.startswith("postgres"):
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        print(f"[{db.engine.dialect.name}] inserted {needs} needs, {offers} offers, "
              f"{matches} matches in {time.perf_counter() - start:.1f} s")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_token
        session["_fresh"] = True
    ok = True
    for path in PAGES:
        assert client.get(path).status_code == 200, path
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        median, worst = statistics.median(times), max(times)
        ok &= median <= TARGET_MS
        flag = "ok" if median <= TARGET_MS else "SLOW"
        print(f"  {path:<58} median {median:6.1f} ms  max {worst:6.1f} ms  {flag}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--matches", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        ok = run(url, args.needs, args.offers, args.matches, args.runs)
    print(f"target: median ≤ {TARGET_MS} ms per page — {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
