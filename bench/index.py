"""Benchmark: the live match index against on-demand ranking; prints seconds and ratios.

    .venv/bin/python bench/index.py [--n 2000] [--pg postgresql://postgres@127.0.0.1/bench]

Builds N needs × N offers (``bench/synthetic.py``) in a fresh SQLite file, or in the
PostgreSQL database given with --pg (its public schema is dropped and rebuilt — use a
scratch database). Prints, each beside a plain reference measured in the same run:

- the full index build (text model fit, scoring, reasons, rows written) vs the engine alone
  fitting and ranking every need's top K in memory;
- one need's refresh against all offers (median over several needs, this process's cache
  warm; and once cold, after dropping the cache) vs a bare numpy dot product of one need's
  text vector against all offer vectors;
- one offer's refresh against all needs, likewise against all need vectors;
- one need through ``index.refresh``, the path a commit takes (drift and novelty checks,
  新的推荐);
- the candidates of one need read from the index vs ranked on demand.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from bench import synthetic  # noqa: E402
from bench.fresh import fresh_database  # noqa: E402
from matchmaker import create_app, unit_of_work  # noqa: E402
from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import MatchIndexEntry, Need, Offer, Organisation  # noqa: E402
from matchmaker.models.base import utcnow  # noqa: E402
from matchmaker.models.offers import offer_regions, offer_sectors  # noqa: E402
from matchmaker.services.matching import (  # noqa: E402
    index,
    index_queue,
    index_read,
    live,
    ranking,
)


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


def cpu_timed(fn) -> float:
    """CPU seconds of this process (less moved than wall time by other processes' load)."""
    started = time.process_time()
    fn()
    return time.process_time() - started


def median_ms(fn, times: int) -> float:
    return statistics.median(timed(fn) for _ in range(times)) * 1000


def dot_ms(vectors, others, times: int, clock=timed) -> float:
    """A bare numpy dot product of one vector against all the others (the reference)."""
    rows = [np.array(vectors[k % len(vectors)]) for k in range(times)]
    others = np.array(others)  # a fresh contiguous copy, as a plain program would hold it
    others @ rows[0]  # warm up
    return statistics.median(clock(lambda v=v: others @ v) for v in rows) * 1000


def run(url: str, n: int, reads: int) -> None:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        fresh_database()
        fill(n)
        db.session.info.pop(index_queue.READY, None)  # the fill is indexed by the timed build
        k = index.top_k()
        print(f"{db.engine.dialect.name}: {n} needs × {n} offers, top K {k}")
        build = timed(lambda: unit_of_work.run(lambda: index.rebuild(refit=True)))
        rows = db.session.scalar(select(func.count()).select_from(MatchIndexEntry))
        needs, offers = ranking.load_needs(), ranking.load_offers()
        reference = ranking.load_reference()
        engine = timed(lambda: live.scorer_for(offers, needs, reference).rank(needs, top_k=k))
        print(f"  full build (fit + score + reasons + {rows} rows)  {build:8.2f} s   "
              f"engine alone (fit + rank top {k}) {engine:6.2f} s   ratio {build / engine:5.1f} ×")
        state = live.current(k).live
        need_ids = [int(i) for i in needs.ids[:: max(1, n // reads)][:reads]]
        offer_ids = [int(i) for i in offers.ids[:: max(1, n // reads)][:reads]]
        for side, ids, refresh, mine, theirs in (
                ("need", need_ids, index.refresh_needs, state.prep.vectors,
                 state.scorer.offer_vectors_),
                ("offer", offer_ids, index.refresh_offers, state.scorer.offer_vectors_,
                 state.prep.vectors)):
            other = "offers" if side == "need" else "needs"
            live.forget()
            cold = timed(lambda r=refresh, i=ids[0]: unit_of_work.run(lambda: r([i])))
            warm = statistics.median(
                timed(lambda r=refresh, i=i: unit_of_work.run(lambda: r([i]))) for i in ids)
            cpu = statistics.median(
                cpu_timed(lambda r=refresh, i=i: unit_of_work.run(lambda: r([i]))) for i in ids)
            bare = dot_ms(mine, theirs, len(ids))
            bare_cpu = dot_ms(mine, theirs, 200, cpu_timed)
            print(f"  one {side}'s refresh vs all {other} (median of {len(ids)})  "
                  f"{warm * 1000:8.2f} ms   bare numpy dot {bare:6.3f} ms   "
                  f"ratio {warm * 1000 / bare:7.0f} ×   (cold cache: {cold * 1000:.0f} ms)\n"
                  f"      CPU time of the same: refresh {cpu * 1000:.2f} ms, "
                  f"bare dot {bare_cpu:.3f} ms")
        # The path a commit takes: drift and novelty checks, the refresh, 新的推荐.
        whole = statistics.median(timed(lambda i=i: unit_of_work.run(
            lambda: index.refresh(need_ids=[i]))) for i in need_ids)
        whole_cpu = statistics.median(cpu_timed(lambda i=i: unit_of_work.run(
            lambda: index.refresh(need_ids=[i]))) for i in need_ids)
        print(f"  one need through index.refresh (median of {len(need_ids)})  "
              f"{whole * 1000:8.2f} ms   (CPU {whole_cpu * 1000:.2f} ms)")
        need = db.session.get(Need, need_ids[len(need_ids) // 2])
        fast = median_ms(lambda: index_read.for_need(need, limit=10), reads)
        slow = median_ms(lambda: ranking.candidates_for_need(need, limit=10), max(3, reads // 10))
        same = ([r["offer_id"] for r in index_read.for_need(need, limit=10)[0]]
                == [c["offer_id"] for c in ranking.candidates_for_need(need, limit=10)])
        print(f"  candidates of one need, index read (median of {reads})  {fast:8.2f} ms   "
              f"on demand {slow:8.2f} ms   ratio on demand / index {slow / fast:6.1f} ×   "
              f"(same top 10: {same})")
        db.session.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="needs and offers each (10000)")
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument("--pg", default="", help="scratch PostgreSQL database URL")
    args = parser.parse_args()
    if args.pg:
        run(args.pg, args.n, args.reads)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.sqlite", args.n, args.reads)


if __name__ == "__main__":
    main()
