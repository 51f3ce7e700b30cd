"""A deployment past one machine: two app processes (gunicorn, as two web hosts) and one RQ
worker on the same PostgreSQL and Redis. An offer published through one host appears in a
need's candidates served by the other within seconds, and disappears when it is retargeted
or its money is used up.

Needs PostgreSQL and Redis: the database is a scratch one beside the tests' own
(``<TEST_DATABASE_URL's name>_hosts``, or ``matchmaker_hosts`` on 127.0.0.1), Redis is
``TEST_REDIS_URL`` (default db 11 on 127.0.0.1, as the job tests). Skipped, with the
reason, only when either is unreachable.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import TEST_REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
VISIBLE_WITHIN = 10.0  # seconds (issue 13: ≤ 10 s with a worker on Redis)
STARTUP = 60.0  # seconds for a process to import the app on a busy machine


def _urls() -> tuple[str, str, str]:
    """(server admin URL, scratch database URL, Redis URL)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = "postgresql://postgres@127.0.0.1:5432/matchmaker"
    parts = urlsplit(base.replace("postgresql+psycopg://", "postgresql://"))
    name = (parts.path.lstrip("/") or "matchmaker") + "_hosts"
    admin = urlunsplit(parts._replace(path="/postgres"))
    scratch = urlunsplit(parts._replace(path="/" + name))
    return admin, scratch, TEST_REDIS_URL


def _scratch_database(admin: str, scratch: str) -> None:
    import psycopg

    name = urlsplit(scratch).path.lstrip("/")
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _redis(url: str) -> None:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except (RedisError, OSError) as exc:
        pytest.skip(f"Redis unreachable: {exc}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _call(base: str, method: str, path: str, token: str | None = None,
          body: dict | None = None) -> tuple[int, dict]:
    """One JSON request to ``base`` (http://127.0.0.1:port)."""
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path if path.startswith("/healthz") else "/api/v1" + path,
                     body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _until(condition: Callable[[], bool], what: str, procs,
           within: float = VISIBLE_WITHIN) -> float:
    """Seconds until ``condition()`` holds; fails after ``within``."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"{what}: not within {within} s\n" + _logs(procs))


def _logs(procs) -> str:
    return "\n".join(f"--- {name}\n{Path(log).read_text(errors='replace')[-3000:]}"
                     for name, _, log in procs)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    admin, url, redis_url = _urls()
    _redis(redis_url)
    _scratch_database(admin, url)
    from rq import Queue
    from rq.registry import FinishedJobRegistry

    from matchmaker.services.platform.jobs.backend import QUEUE_NAME, redis_connection

    Queue(QUEUE_NAME, connection=redis_connection(redis_url)).empty()
    finished = FinishedJobRegistry(QUEUE_NAME, connection=redis_connection(redis_url))
    for job_id in finished.get_job_ids():  # an earlier run's, so that this one counts
        finished.remove(job_id, delete_job=True)
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis_url, APP_ENV="production",
               SECRET_KEY=secrets.token_urlsafe(48), PYTHONPATH=str(ROOT), FLASK_APP="wsgi",
               DB_POOL_SIZE="4", DB_MAX_OVERFLOW="2")
    logs = tmp_path_factory.mktemp("hosts")
    procs, bases = [], []
    commands = [("worker", [sys.executable, "-m", "flask", "--app", "wsgi", "worker"])]
    for host in ("host-a", "host-b"):
        port = _free_port()
        bases.append(f"http://127.0.0.1:{port}")
        commands.append((host, [sys.executable, "-m", "gunicorn", "wsgi:app", "--workers", "1",
                                "--threads", "2", "--bind", f"127.0.0.1:{port}"]))
    try:
        for name, command in commands:
            log = logs / f"{name}.log"
            with log.open("w") as out:
                procs.append((name, subprocess.Popen(  # noqa: S603 - fixed arguments
                    command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT), log))
        world = _fill(url, redis_url)  # while the processes import the app
        for base in bases:
            _until(lambda base=base: _healthy(base), f"{base}/healthz", procs, STARTUP)
        yield {"a": bases[0], "b": bases[1], "procs": procs, **world}
    finally:
        for _, proc, _ in procs:
            proc.terminate()
        for _, proc, _ in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _healthy(base: str) -> bool:
    try:
        status, report = _call(base, "GET", "/healthz")
    except (OSError, ValueError):
        return False
    return status == 200 and report.get("database") == "ok" and report.get("redis") == "ok"


def _fill(url: str, redis_url: str) -> dict:
    """Schema, reference data, a recipient with two needs, a supporter, a coordinator,
    and an API token for each."""
    from flask_migrate import upgrade

    from matchmaker.app import create_app
    from matchmaker.extensions import db
    from matchmaker.services.accounts import identity
    from matchmaker.services.reference import seed
    from tests import factories

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url})
    with app.app_context():
        upgrade()
        seed.seed_all()
        recipient = factories.make_user("recipient")
        supporter = factories.make_user("supporter")
        coordinator = factories.make_user("coordinator")
        need = factories.make_need(recipient.organisation, region_code="540222",
                                   title="江孜县乡村教师培训", budget_yuan=300_000)
        other = factories.make_need(recipient.organisation, region_code="540221",
                                    title="南木林县教师培训", budget_yuan=5_000_000)
        world = {"need": need.id, "other_need": other.id,
                 "r": identity.create_token(recipient, "hosts"),
                 "s": identity.create_token(supporter, "hosts"),
                 "c": identity.create_token(coordinator, "hosts")}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return world


def _candidate_ids(d, need_id: int) -> list[int]:
    status, body = _call(d["b"], "GET", f"/needs/{need_id}/candidates?limit=20", d["r"])
    assert status == 200, body
    return [row["offer_id"] for row in body["candidates"]]


def test_an_offer_published_on_one_host_is_a_candidate_on_the_other(deployment):
    d = deployment
    status, offer = _call(d["a"], "POST", "/offers", d["s"], {
        "title": "江孜县基层教师能力提升计划", "description": "组织骨干教师赴藏开展教师培训",
        "sector_codes": ["0104"], "target_region_codes": ["540222"], "budget_yuan": 1_000_000,
        "start_date": "2027-01-01", "end_date": "2027-12-31"})
    assert status == 201, offer
    offer_id = offer["id"]
    took = _until(lambda: offer_id in _candidate_ids(d, d["need"]),
                  "published offer in the candidates on the other host", d["procs"])
    print(f"published → candidate on the other host: {took:.1f} s")

    # retargeted to a county in Xinjiang: no longer a candidate of the Tibetan need
    status, body = _call(d["a"], "PATCH", f"/offers/{offer_id}", d["s"],
                         {"target_region_codes": ["653121"]})
    assert status == 200, body
    took = _until(lambda: offer_id not in _candidate_ids(d, d["need"]),
                  "retargeted offer gone from the candidates", d["procs"])
    print(f"retargeted → gone: {took:.1f} s")

    # aimed back at the need: a candidate again
    status, body = _call(d["a"], "PATCH", f"/offers/{offer_id}", d["s"],
                         {"target_region_codes": ["540222"]})
    assert status == 200, body
    _until(lambda: offer_id in _candidate_ids(d, d["need"]),
           "offer aimed back in the candidates", d["procs"])

    # its whole budget committed to another need (host A): gone from this need's candidates
    status, body = _call(d["a"], "POST", "/matches", d["c"], {
        "need_id": d["other_need"], "offer_id": offer_id, "status": "confirmed",
        "amount_yuan": 1_000_000})
    assert status == 201, body
    took = _until(lambda: offer_id not in _candidate_ids(d, d["need"]),
                  "offer whose money is used up gone from the candidates", d["procs"])
    print(f"money used up → gone: {took:.1f} s")
    # every job (the index refreshes) went through Redis and ran on the worker
    import psycopg
    from rq.registry import FinishedJobRegistry

    from matchmaker.services.platform.jobs.backend import QUEUE_NAME, redis_connection

    finished = FinishedJobRegistry(QUEUE_NAME, connection=redis_connection(_urls()[2]))

    def all_ran_on_the_worker() -> bool:
        with psycopg.connect(_urls()[1]) as conn:
            rows = conn.execute("SELECT task, status FROM jobs").fetchall()
        return (len(rows) >= 4 and all(status == "finished" for _, status in rows)
                and finished.count == len(rows))

    _until(all_ran_on_the_worker, "jobs run by the RQ worker", d["procs"])
