"""Benchmark: seconds from publishing an offer to seeing it in the candidates of a need it
fits, at 10,000 needs × 10,000 offers on PostgreSQL, with the index kept fresh in-process
(no Redis: the refresh runs after the response) and by an RQ worker on Redis.

    .venv/bin/python bench/freshness.py [--pg postgresql://postgres@127.0.0.1/deploy_bench]
        [--n 10000] [--offers 10] [--reuse]

Fills the scratch database with ``bench/load.py``'s fill (``--reuse`` keeps an earlier one),
then for each mode starts gunicorn (2 workers × 4 threads; with Redis also ``flask worker``)
and, ``--offers`` times: a supporter publishes through ``POST /api/v1/offers`` an offer written
for one published need (its sector, its region as target, its money, its words); a
coordinator polls ``GET /api/v1/needs/<id>/candidates`` every 50 ms until the offer is there.
Then the supporter closes the offer and the poll times how long until it is gone (the read
re-checks every row, so this should be the next request). Prints median and worst seconds
per mode, beside the plain reference of one candidates request's round trip in the same run.
Targets (issue 13): ≤ 10 s with a worker on Redis, ≤ 5 s in-process.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench.load import ROOT, free_port, healthy, prepare  # noqa: E402
from matchmaker import create_app  # noqa: E402
from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import Need, Organisation, User  # noqa: E402
from matchmaker.services.accounts import identity  # noqa: E402

SUPPORTER = "freshness-bench@example.cn"
REDIS = "redis://127.0.0.1:6379/4"


def supporter_token(url: str) -> tuple[str, list[dict]]:
    """A supporter's API token and the needs to write offers for."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.kind == "social_org",
                                                           Organisation.status == "verified")
                                .order_by(Organisation.id))
        user = db.session.scalar(select(User).where(User.email == SUPPORTER))
        if user is None:
            user = identity.create_user(email=SUPPORTER,
                                        password=secrets.token_urlsafe(16) + "aA1!",
                                        role="supporter", display_name="基准支援方",
                                        organisation=org)
        token = identity.create_token(user, "freshness bench", days=1)
        needs = [{"id": n.id, "title": n.title, "description": n.description,
                  "sector": n.sector_code, "region": n.region_code, "budget": n.budget_yuan}
                 for n in db.session.scalars(select(Need).where(Need.status == "published")
                                             .order_by(Need.id.desc()).limit(200))]
        db.session.commit()
        db.session.remove()
    return token, needs


def call(port: int, method: str, path: str, token: str, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"Authorization": f"Bearer {token}",
                          "Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data) if data else None


def start(url: str, redis: str | None, log) -> list[subprocess.Popen]:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="production",
               SECRET_KEY=secrets.token_urlsafe(48), API_RATE_LIMIT="1000000 per minute",
               PYTHONPATH=str(ROOT))
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = redis
    bin_dir = Path(sys.executable).parent
    procs = [subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(bin_dir / "gunicorn"), "wsgi:app", "--workers", "2", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=log, stderr=log)]
    if redis:
        procs.append(subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
            cwd=ROOT, env=env, stdout=log, stderr=log))
    if healthy(port, 90):
        procs[0].port = port
        return procs
    stop(procs)
    raise SystemExit("gunicorn did not answer /healthz within 90 s")


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=30)


def until(check, limit: float = 60.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if check():
            return time.perf_counter() - started
        time.sleep(0.05)
    return float("inf")


def run_mode(url: str, redis: str | None, coordinator: str, supporter: str, needs: list[dict],
             count: int, log) -> dict:
    if redis:
        import redis as redis_client

        redis_client.Redis.from_url(redis).flushdb()
    procs = start(url, redis, log)
    port = procs[0].port
    appear, gone, round_trip = [], [], []
    try:
        for need in needs[:count]:
            status, offer = call(port, "POST", "/api/v1/offers", supporter, {
                "title": need["title"], "description": need["description"],
                "sector_codes": [need["sector"]], "target_region_codes": [need["region"]],
                "budget_yuan": need["budget"], "status": "published"})
            if status != 201:
                raise SystemExit(f"publishing failed: {status} {offer}")
            path = f"/api/v1/needs/{need['id']}/candidates?limit=10"

            def listed(offer_id=offer["id"], path=path) -> bool:
                started = time.perf_counter()
                code, body = call(port, "GET", path, coordinator)
                round_trip.append(time.perf_counter() - started)
                return code == 200 and any(c["offer_id"] == offer_id for c in body["candidates"])

            appear.append(until(listed))
            call(port, "PATCH", f"/api/v1/offers/{offer['id']}", supporter, {"status": "closed"})
            gone.append(until(lambda listed=listed: not listed()))
    finally:
        stop(procs)
    return {"appear": appear, "gone": gone, "round_trip": round_trip}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1/deploy_bench")
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--offers", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier fill of --n")
    args = parser.parse_args()
    coordinator, _ = prepare(args.pg, args.n, args.reuse)
    supporter, needs = supporter_token(args.pg)
    with tempfile.NamedTemporaryFile("w+b", prefix="freshness-", suffix=".log") as log:
        results = [(name, run_mode(args.pg, redis, coordinator, supporter,
                                   needs[k * args.offers:], args.offers, log))
                   for k, (name, redis) in enumerate([("in-process (no Redis)", None),
                                                      ("RQ worker on Redis", REDIS)])]
    print(f"{args.n} needs × {args.n} offers (PostgreSQL), {args.offers} offers per mode, "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"{'mode':24} {'appears: median':>16} {'worst':>8} {'gone: median':>14} {'worst':>8}"
          f"   reference: one candidates request (median)")
    for name, r in results:
        print(f"{name:24} {statistics.median(r['appear']):14.2f} s {max(r['appear']):6.2f} s "
              f"{statistics.median(r['gone']):12.2f} s {max(r['gone']):6.2f} s   "
              f"{statistics.median(r['round_trip']) * 1000:.1f} ms")
    print("targets: ≤ 10 s with a worker on Redis, ≤ 5 s in-process")


if __name__ == "__main__":
    main()
