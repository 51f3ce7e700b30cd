"""Benchmark: the live match index against on-demand ranking; prints seconds and ratios.

    .venv/bin/python bench/index.py [--n 2000] [--pg postgresql://postgres@127.0.0.1/bench]

Builds N needs × N offers (``bench/synthetic.py``) in a fresh SQLite file, or in the
PostgreSQL database given with --pg (its public schema is dropped and rebuilt — use a
scratch database). Prints: the full index build (text model fit included), one need's
refresh against all offers, one offer's refresh against all needs, and the candidates of
one need read from the index vs ranked on demand (medians), as a ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from bench import synthetic  # noqa: E402
from matchmaker import create_app, unit_of_work  # noqa: E402
from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import MatchIndexEntry, Need, Offer, Organisation  # noqa: E402
from matchmaker.models.base import utcnow  # noqa: E402
from matchmaker.models.offers import offer_regions, offer_sectors  # noqa: E402
from matchmaker.services.matching import index, index_queue, index_read, ranking  # noqa: E402
from matchmaker.services.reference import seed  # noqa: E402


def fill(n: int) -> None:
    """N needs of one recipient bureau and N offers of one supporter per province."""
    needs, offers = synthetic.generate(synthetic.reference(), n, n, seed=1)
    recipient = Organisation(name="基准受援单位", kind="bureau", region_code="540200",
                             status="verified")
    db.session.add(recipient)
    supporters = {}
    for code in sorted({c for c in offers.org_region_codes if c}):
        supporters[code] = Organisation(name=f"基准支援单位{code}", kind="social_org",
                                        region_code=code, status="verified")
        db.session.add(supporters[code])
    db.session.flush()
    now = utcnow()
    db.session.execute(insert(Need), [{
        "organisation_id": recipient.id, "title": needs.titles[i],
        "description": needs.descriptions[i], "sector_code": needs.sector_codes[i],
        "region_code": needs.region_codes[i], "budget_yuan": int(needs.uncommitted_yuan[i]),
        "committed_yuan": 0, "status": "published", "published_at": now} for i in range(n)])
    db.session.execute(insert(Offer), [{
        "organisation_id": supporters[offers.org_region_codes[j]].id,
        "title": offers.titles[j], "description": offers.descriptions[j],
        "budget_yuan": max(int(offers.remaining_yuan[j]), 1000), "committed_yuan": 0,
        "status": "published", "published_at": now} for j in range(n)])
    ids = list(db.session.scalars(select(Offer.id).order_by(Offer.id)))
    db.session.execute(insert(offer_sectors), [
        {"offer_id": ids[j], "sector_code": c} for j in range(n) for c in offers.sector_codes[j]])
    regions = [{"offer_id": ids[j], "region_code": c}
               for j in range(n) for c in offers.target_region_codes[j]]
    if regions:
        db.session.execute(insert(offer_regions), regions)
    db.session.commit()


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(url: str, n: int, reads: int) -> None:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        if url.startswith("postgres"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        seed.seed_all()
        db.session.commit()
        fill(n)
        db.session.info.pop(index_queue.READY, None)  # the fill is indexed by the timed build
        print(f"{db.engine.dialect.name}: {n} needs × {n} offers, top K {index.top_k()}")
        build = timed(lambda: unit_of_work.run(lambda: index.rebuild(refit=True)))
        rows = db.session.scalar(select(func.count()).select_from(MatchIndexEntry))
        print(f"  full build (fit + score + {rows} rows)   {build:8.2f} s")
        need = db.session.scalar(select(Need).order_by(Need.id).offset(n // 2).limit(1))
        offer = db.session.scalar(select(Offer).order_by(Offer.id).offset(n // 2).limit(1))
        one_need = timed(lambda: unit_of_work.run(lambda: index.refresh_needs([need.id])))
        one_offer = timed(lambda: unit_of_work.run(lambda: index.refresh_offers([offer.id])))
        print(f"  one need refresh (all offers)          {one_need:8.3f} s")
        print(f"  one offer refresh (all needs)          {one_offer:8.3f} s")
        fast = [timed(lambda: index_read.for_need(need, limit=10)) for _ in range(reads)]
        slow = [timed(lambda: ranking.candidates_for_need(need, limit=10))
                for _ in range(max(3, reads // 10))]
        a, b = statistics.median(fast), statistics.median(slow)
        same = ([r["offer_id"] for r in index_read.for_need(need, limit=10)[0]]
                == [c["offer_id"] for c in ranking.candidates_for_need(need, limit=10)])
        print(f"  candidates of one need, index (median of {len(fast)})  {a * 1000:8.2f} ms")
        print(f"  candidates of one need, on demand (median of {len(slow)}) {b * 1000:8.2f} ms")
        print(f"  ratio on demand / index                {b / a:8.1f} ×"
              f"   (same top 10 as on demand: {same})")
        db.session.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="needs and offers each (10000)")
    parser.add_argument("--reads", type=int, default=50)
    parser.add_argument("--pg", default="", help="scratch PostgreSQL database URL")
    args = parser.parse_args()
    if args.pg:
        run(args.pg, args.n, args.reads)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.sqlite", args.n, args.reads)


if __name__ == "__main__":
    main()
