"""HTTP load benchmark: gunicorn + PostgreSQL under 50 concurrent connections.

    .venv/bin/python bench/load.py [--pg postgresql://postgres@127.0.0.1/deploy_bench]
        [--n 10000] [--seconds 20] [--connections 50] [--workers 4 --threads 4] [--reuse]

Fills N needs + N offers into the scratch PostgreSQL database (its public schema is dropped
and rebuilt; ``--reuse`` keeps an earlier fill) with ``bench/index.py``'s fill, builds the
match index, starts gunicorn on a free port and, one after the other in the same minute:

- a plain reference: a static file through the same gunicorn (no database, no auth),
- ``GET /api/v1/needs?per_page=50&page=3``,
- ``GET /api/v1/needs/<id>/candidates?limit=10`` (random published needs),
- ``GET /healthz`` (database + Redis round trip, no auth),

each for ``--seconds`` with ``--connections`` keep-alive connections (one thread each,
``http.client``: no dependency). Prints req/s, p50/p90/p99 and errors for each, and each
endpoint's p50/p90 and throughput as ratios to the reference.

Why 4 workers × 4 threads on 2 cores: a request spends much of its time waiting on
PostgreSQL (another process on the same cores), so more threads than cores keep the CPUs
busy; 4 processes let two requests run Python at once despite the GIL while the others
wait on the database; more processes only add memory and context switches on 2 cores.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from bench.fresh import fresh_database  # noqa: E402
from bench.index import fill  # noqa: E402
from matchmaker import create_app, unit_of_work  # noqa: E402
from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import Need, User  # noqa: E402
from matchmaker.services.accounts import identity  # noqa: E402
from matchmaker.services.matching import index, index_queue  # noqa: E402

EMAIL = "load-coordinator@bench.example.cn"


def prepare(url: str, n: int, reuse: bool) -> tuple[str, list[int]]:
    """The database filled and indexed; returns an API token and published need ids."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        have = 0
        if reuse:
            try:
                have = db.session.scalar(select(func.count(Need.id))) or 0
            except Exception:  # noqa: BLE001 - no schema yet: fill it
                db.session.rollback()
        if have < n:
            fresh_database()
            started = time.perf_counter()
            fill(n)
            db.session.info.pop(index_queue.READY, None)
            unit_of_work.run(lambda: index.rebuild(refit=True))
            print(f"filled {n} needs + {n} offers and built the index in "
                  f"{time.perf_counter() - started:.1f} s")
        else:
            print(f"reusing {have} needs")
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        if user is None:
            user = identity.create_user(email=EMAIL, password=secrets.token_urlsafe(16) + "aA1!",
                                        role="coordinator", display_name="基准协调员",
                                        organisation=None)
        token = identity.create_token(user, "load bench", days=1)
        ids = list(db.session.scalars(select(Need.id).where(Need.status == "published")
                                      .order_by(Need.id)))
        db.session.commit()
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
        db.session.remove()
    return token, ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="production",
               SECRET_KEY=secrets.token_urlsafe(48), REDIS_URL="redis://127.0.0.1:6379/3",
               API_RATE_LIMIT="1000000 per minute", DB_POOL_SIZE=str(threads + 1),
               DB_MAX_OVERFLOW="2", PYTHONPATH=str(ROOT))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(gunicorn), "wsgi:app", "--workers", str(workers), "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def hammer(port: int, paths, headers: dict, seconds: float, connections: int) -> dict:
    """``connections`` threads, each one keep-alive connection, for ``seconds``."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", paths(), headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad.append(str(response.status))
                else:
                    mine.append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException) as exc:
                bad.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(int(p * len(latencies)), len(latencies) - 1)] * 1000

    return {"rps": len(latencies) / elapsed, "p50": pct(0.5), "p90": pct(0.9), "p99": pct(0.99),
            "ok": len(latencies), "errors": len(errors),
            "kinds": sorted(set(errors))[:5]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1/deploy_bench")
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier fill of --n")
    args = parser.parse_args()
    token, need_ids = prepare(args.pg, args.n, args.reuse)
    port = free_port()
    proc = start_gunicorn(args.pg, port, args.workers, args.threads)
    auth = {"Authorization": f"Bearer {token}"}
    rng = random.Random(7)
    static = sorted(p.relative_to(ROOT / "matchmaker" / "static").as_posix()
                    for p in (ROOT / "matchmaker" / "static").rglob("favicon*"))[0]
    runs = [
        ("reference: static file", lambda: f"/static/{static}", {}),
        ("GET /api/v1/needs?per_page=50&page=3",
         lambda: "/api/v1/needs?per_page=50&page=3", auth),
        ("GET /api/v1/needs/<id>/candidates?limit=10",
         lambda: f"/api/v1/needs/{rng.choice(need_ids)}/candidates?limit=10", auth),
        ("GET /healthz (db + redis)", lambda: "/healthz", {}),
    ]
    print(f"gunicorn {args.workers} workers × {args.threads} threads, {args.connections} "
          f"connections, {args.seconds:.0f} s each, {os.cpu_count()} cores")
    try:
        results = []
        for name, paths, headers in runs:
            hammer(port, paths, headers, 2, min(args.connections, 10))  # warm-up
            results.append((name, hammer(port, paths, headers, args.seconds, args.connections)))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    ref = results[0][1]
    print(f"{'endpoint':46} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7}  ratio p50/p90/throughput vs reference")
    for name, r in results:
        ratio = (f"{r['p50'] / ref['p50']:.1f}× / {r['p90'] / ref['p90']:.1f}× / "
                 f"{r['rps'] / ref['rps']:.2f}×") if ref["p50"] and ref["rps"] else "-"
        kinds = f" {r['kinds']}" if r["errors"] else ""
        print(f"{name:46} {r['rps']:8.1f} {r['p50']:8.1f} {r['p90']:8.1f} {r['p99']:8.1f} "
              f"{r['errors']:7d}  {ratio}{kinds}")
    print(f"median p90 of the two API endpoints: "
          f"{statistics.median([results[1][1]['p90'], results[2][1]['p90']]):.1f} ms")


if __name__ == "__main__":
    main()
