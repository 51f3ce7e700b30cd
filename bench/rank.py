"""Benchmark: ``flask rank --top 20 --out x.csv`` and ``x.xlsx`` as separate processes
(wall time, CPU time, peak RSS), each beside a plain vectorised reference process run in
the same minute: start, load the same tables, fit and rank with the engine, save ids and
scores with numpy (no reasons, no sheet). Prints seconds, MB and ratios; with ``--repeat R``
each pair runs R times, alternating, and the fastest run of each counts (a loaded machine
only ever adds time).

    .venv/bin/python bench/rank.py [--n 10000] [--repeat 1] [--pg postgresql://postgres@127.0.0.1/bench]

The data (``bench/synthetic.py``, N needs × N offers) goes into a fresh SQLite file, or the
PostgreSQL database given with --pg (its public schema is dropped: a scratch database).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def reference_run(out: str, top_k: int) -> None:
    """The plain reference: the engine's own part in a process of its own."""
    import numpy as np

    from matchmaker import create_app
    from matchmaker.scoring import MatchScorer
    from matchmaker.services.matching import ranking

    app = create_app()  # DATABASE_URL from the environment, as for the flask command
    with app.app_context():
        needs, offers = ranking.load_needs(), ranking.load_offers()
        ref = ranking.load_reference()
        result = MatchScorer(ref).fit(offers, needs).rank(needs, top_k=top_k)
        np.savetxt(out, np.column_stack([needs.ids[result.need_index],
                                         offers.ids[result.offer_index], result.score]),
                   fmt=["%d", "%d", "%.4f"], delimiter=",")


def measured(args: list[str], env: dict) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one child process
    (through a fresh wrapper, so earlier children do not count)."""
    probe = ("import resource, subprocess, sys, time, json\n"
             "t = time.perf_counter()\n"
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(json.dumps([time.perf_counter() - t, u.ru_utime + u.ru_stime, "
             "u.ru_maxrss / 1024, p.returncode, p.stdout + p.stderr]))")
    done = subprocess.run([sys.executable, "-c", probe, *args],  # noqa: S603 - our own argv
                          env=env, capture_output=True, text=True, check=True)
    seconds, cpu, mb, code, output = json.loads(done.stdout)
    if code != 0:
        raise SystemExit(f"{args} failed:\n{output}")
    return seconds, cpu, mb, output.strip().splitlines()[0] if output.strip() else ""


def fastest(runs: list[tuple[float, float, float, str]]) -> tuple[float, float, float, str]:
    """The run with the least wall time (its CPU, memory and output with it)."""
    return min(runs, key=lambda run: run[0])


def prepare(url: str, n: int) -> None:

    from bench.fresh import fresh_database
    from bench.index import fill
    from matchmaker import create_app
    from matchmaker.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        fresh_database()
        fill(n)
        db.session.remove()
        db.engine.dispose()


def run(url: str, n: int, tmp: Path, top_k: int, repeat: int = 1) -> None:
    started = time.perf_counter()
    prepare(url, n)
    print(f"{n:,} needs × {n:,} offers ({url.split(':')[0]}), data in "
          f"{time.perf_counter() - started:.0f} s; flask rank --top {top_k}")
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "matchmaker.app:create_app",
           "PYTHONPATH": str(ROOT), "SECRET_KEY": "bench"}
    flask = str(Path(sys.executable).with_name("flask"))
    reference = [sys.executable, __file__, "--reference", "--out", str(tmp / "reference.csv"),
                 "--top", str(top_k)]
    for suffix in (".csv", ".xlsx"):
        out = tmp / f"ranked{suffix}"
        refs, clis = [], []
        for _ in range(repeat):
            refs.append(measured(reference, env))
            clis.append(measured([flask, "rank", "--top", str(top_k), "--out", str(out)], env))
        (ref_s, ref_cpu, ref_mb, _), (cli_s, cli_cpu, cli_mb, said) = fastest(refs), fastest(clis)
        size = out.stat().st_size / 2**20
        print(f"  flask rank --out x{suffix:<5} {cli_s:6.2f} s wall, {cli_cpu:6.2f} s CPU, "
              f"peak {cli_mb:5.0f} MB, {size:5.1f} MB written   ({said})")
        print(f"  reference scorer process  {ref_s:6.2f} s wall, {ref_cpu:6.2f} s CPU, "
              f"peak {ref_mb:5.0f} MB   ratio flask rank / reference {cli_s / ref_s:4.2f} × "
              f"wall, {cli_cpu / ref_cpu:4.2f} × CPU, {cli_mb / ref_mb:4.2f} × memory")
    runs = f"fastest of {repeat} alternating runs each" if repeat > 1 else "one run each"
    print(f"  ({runs}; targets: ≤ 3 s and ≤ 1 GB at 10,000 × 10,000, ≤ 20 s and ≤ 2 GB at "
          f"50,000 × 50,000; this machine: {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each pair this many times, alternating; keep the fastest")
    parser.add_argument("--pg", default="", help="scratch PostgreSQL database URL")
    parser.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference:
        reference_run(args.out, args.top)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(args.pg or f"sqlite:///{tmp}/bench.sqlite", args.n, Path(tmp), args.top,
            max(args.repeat, 1))


if __name__ == "__main__":
    main()
