"""Benchmark: what notification e-mail costs a request, sent inline vs queued as a job.

    .venv/bin/python bench/jobs.py [--n 200] [--smtp-delay-ms 100] [--redis URL] [--database URL]

A real SMTP server (aiosmtpd on localhost) answers each message after ``--smtp-delay-ms``
(a remote mail relay). Printed: milliseconds per request-side call when the mail is sent
inline (what the request used to wait for) and when it is queued (the job row plus the RQ
push after the commit), then the RQ worker's throughput draining the queue. A temporary
SQLite database unless ``--database``; the Redis database given is flushed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from redis import Redis  # noqa: E402

from matchmaker import unit_of_work  # noqa: E402
from matchmaker.app import create_app  # noqa: E402
from matchmaker.config import normalise_database_url  # noqa: E402
from matchmaker.services.platform import mailer  # noqa: E402
from matchmaker.services.platform.jobs import backend  # noqa: E402


class SlowSink:
    def __init__(self, delay: float) -> None:
        self.delay, self.count = delay, 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        await asyncio.sleep(self.delay)
        self.count += 1
        return "250 OK"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--smtp-delay-ms", type=float, default=100)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--database", default=None,
                        help="an empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    sink, port = SlowSink(args.smtp_delay_ms / 1000), _port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    Redis.from_url(args.redis).flushdb()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", {
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(
                args.database or f"sqlite:///{folder}/bench.sqlite"),
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "REDIS_URL": args.redis})
        with app.app_context():
            upgrade()
            inline = []
            for _ in range(args.n // 4):
                start = time.perf_counter()
                mailer.send(["a@example.cn"], "通知", "正文")
                inline.append(time.perf_counter() - start)
            queued = []
            for _ in range(args.n):
                start = time.perf_counter()
                unit_of_work.run(lambda: mailer.queue(None, ["a@example.cn"], "通知", "正文"))
                queued.append(time.perf_counter() - start)
            depth = backend.rq_queue(args.redis).count
            start = time.perf_counter()
            backend.worker(args.redis).work(burst=True, logging_level="ERROR")
            drained = time.perf_counter() - start
    controller.stop()
    Redis.from_url(args.redis).flushdb()
    ms = lambda xs: f"median {statistics.median(xs) * 1000:.1f} ms, p95 {sorted(xs)[int(len(xs) * .95)] * 1000:.1f} ms"  # noqa: E731, E501
    print(f"SMTP delay {args.smtp_delay_ms:.0f} ms per message")
    print(f"inline send in the request : {ms(inline)}  ({len(inline)} messages)")
    print(f"queued as a job (DB + RQ)  : {ms(queued)}  ({len(queued)} jobs)")
    print(f"RQ worker drained {depth} jobs in {drained:.2f} s "
          f"({depth / drained:.1f} jobs/s); messages received {sink.count}")


if __name__ == "__main__":
    main()
