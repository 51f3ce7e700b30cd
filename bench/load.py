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

each for ``--seconds`` with ``--connections`` keep-alive connections. The load comes from
``wrk`` (Debian's package ``wrk``: C, two threads, so the client takes little of the two
cores the server needs) when it is installed, else from Python threads (``http.client``, one
per connection: no dependency, but the client then competes for the CPU; ``--client python``
forces it). Prints req/s, p50/p90/p99 and errors for each, and each endpoint's p50/p90 and
throughput as ratios to the reference. The access log (one JSON line per request, as in
production) goes to a temporary file.

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
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
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
        # Planner statistics, committed: an ANALYZE inside a transaction that is rolled back
        # leaves none, and then PostgreSQL plans the candidates query from the offers side
        # (27 ms instead of 0.2 ms; autovacuum, which would fix it later, is off on CI hosts).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
        db.session.remove()
    return token, ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(port: int, seconds: float) -> bool:
    """Whether ``/healthz`` answers 200 on ``port`` within ``seconds``."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.3)
    return False


def start_gunicorn(url: str, port: int, workers: int, threads: int, log) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="production",
               SECRET_KEY=secrets.token_urlsafe(48), REDIS_URL="redis://127.0.0.1:6379/3",
               API_RATE_LIMIT="1000000 per minute", DB_POOL_SIZE=str(threads + 1),
               DB_MAX_OVERFLOW="2", PYTHONPATH=str(ROOT))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(gunicorn), "wsgi:app", "--workers", str(workers), "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    if healthy(port, 60):
        return proc
    proc.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


WRK_SCRIPT = """
local paths = {%s}
local headers = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], headers)
end
"""


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(port: int, paths: list[str], headers: dict, seconds: float, connections: int) -> dict:
    """The same run from ``wrk --latency`` (paths taken in turn, keep-alive connections)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_SCRIPT % (", ".join(_lua(p) for p in paths),
                               ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in headers.items())))
    try:
        out = subprocess.run(  # noqa: S603 - fixed arguments
            [shutil.which("wrk"), "--latency", "-t2", f"-c{connections}", f"-d{seconds:.0f}s",
             "--timeout", "30s", "-s", fh.name, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(fh.name)
    pct = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", out, re.M))
    if len(pct) < 3:
        raise SystemExit(f"unexpected wrk output:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    done = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                        out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return {"rps": rps, "p50": _ms(pct["50"]), "p90": _ms(pct["90"]), "p99": _ms(pct["99"]),
            "ok": done - errors, "errors": errors,
            "kinds": ["non-2xx"] * bool(bad) + ["socket"] * bool(sockets)}


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
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator (auto: wrk when installed)")
    args = parser.parse_args()
    token, need_ids = prepare(args.pg, args.n, args.reuse)
    port = free_port()
    log = tempfile.NamedTemporaryFile("w+b", prefix="load-access-", suffix=".log")  # noqa: SIM115
    proc = start_gunicorn(args.pg, port, args.workers, args.threads, log)
    auth = {"Authorization": f"Bearer {token}"}
    rng = random.Random(7)
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    if use_wrk and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
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
          f"connections, {args.seconds:.0f} s each, {os.cpu_count()} cores, client "
          f"{'wrk' if use_wrk else 'python threads'}")
    try:
        results = []
        for name, paths, headers in runs:
            hammer(port, paths, headers, 2, min(args.connections, 10))  # warm-up
            if use_wrk:
                fixed = [paths() for _ in range(2000)]
                results.append((name, wrk(port, fixed, headers, args.seconds,
                                          args.connections)))
            else:
                results.append((name, hammer(port, paths, headers, args.seconds,
                                             args.connections)))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
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
