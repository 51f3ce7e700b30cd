"""Background jobs with the real things: Redis + an RQ worker, aiosmtpd for e-mail, and the
in-process backend (no REDIS_URL) running jobs after the commit or after the response."""

from __future__ import annotations

import os

import pytest
from redis import Redis
from sqlalchemy import select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import Job
from matchmaker.services.errors import DomainError
from matchmaker.services.platform import jobs, mailer
from matchmaker.services.platform.jobs import backend
from tests.conftest import TEST_REDIS_URL, csrf_from, login
from tests.mail_helpers import free_port, smtp  # noqa: F401 - fixture

#: The tests' Redis database (flushed before and after each test that uses it).
REDIS_URL = TEST_REDIS_URL
FLAKY = {"failures_left": 0}


@jobs.task("tests.flaky")
def flaky(label: str) -> str:
    """Fails while ``FLAKY['failures_left']`` is positive."""
    if FLAKY["failures_left"] > 0:
        FLAKY["failures_left"] -= 1
        raise RuntimeError(f"模拟失败：{label}")
    return label


@pytest.fixture()
def redis_queue(app, ctx, users, monkeypatch):
    """REDIS_URL set to a real Redis database that starts and ends empty (the fixtures'
    own changes are indexed in-process first, so the queue holds only the test's jobs)."""
    from matchmaker.services.matching import index_queue

    index_queue.drain()
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    yield backend.rq_queue(REDIS_URL)
    connection.flushdb()


def _jobs() -> list[Job]:
    db.session.expire_all()
    return db.session.scalars(select(Job).order_by(Job.id)).all()


def _mail(users) -> None:
    unit_of_work.run(lambda: mailer.queue(db.session, [users["recipient"].email],
                                          "对接通知", "正文"))


def test_rq_worker_sends_the_mail(smtp, redis_queue, ctx, users):  # noqa: F811
    _mail(users)
    [job] = _jobs()
    assert (job.task, job.status, job.args) == (
        "mail.send", "queued", [[users["recipient"].email], "对接通知", "正文"])
    assert redis_queue.count == 1 and smtp.messages == []  # nothing sent in the "request"
    backend.worker(REDIS_URL).work(burst=True)
    assert [rcpts for rcpts, _ in smtp.messages] == [[users["recipient"].email]]
    [job] = _jobs()
    assert (job.status, job.attempts, job.error) == ("finished", 1, "")
    assert job.started_at <= job.finished_at
    assert redis_queue.count == 0


def test_rq_worker_records_a_failure_and_retry_runs_it_again(redis_queue, ctx, users):
    FLAKY["failures_left"] = 1
    unit_of_work.run(lambda: jobs.enqueue("tests.flaky", "第一次", by=users["admin"]))
    backend.worker(REDIS_URL).work(burst=True)
    [job] = _jobs()
    assert job.status == "failed" and "模拟失败：第一次" in job.error
    assert job.created_by_id == users["admin"].id
    unit_of_work.run(lambda: jobs.retry(job.id, by=users["admin"]))
    assert _jobs()[0].status == "queued" and redis_queue.count == 1
    backend.worker(REDIS_URL).work(burst=True)
    [job] = _jobs()
    assert (job.status, job.attempts) == ("finished", 2)


def test_redis_down_runs_the_job_in_process(smtp, ctx, users, monkeypatch):  # noqa: F811
    monkeypatch.setitem(ctx.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    _mail(users)
    assert len(smtp.messages) == 1 and _jobs()[0].status == "finished"


def test_in_process_failure_is_recorded_and_retried(ctx, users):
    FLAKY["failures_left"] = 1
    unit_of_work.run(lambda: jobs.enqueue("tests.flaky", "x"))
    [job] = _jobs()
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.error.startswith("RuntimeError: 模拟失败：x") and job.finished_at
    unit_of_work.run(lambda: jobs.retry(job.id, by=users["admin"]))
    assert (_jobs()[0].status, _jobs()[0].attempts) == ("finished", 2)
    with pytest.raises(DomainError, match="只能重试失败的任务"):
        unit_of_work.run(lambda: jobs.retry(job.id, by=users["admin"]))


def test_enqueue_takes_plain_values_and_known_tasks(ctx, users):
    with pytest.raises(ValueError, match="plain"):
        jobs.enqueue("tests.flaky", users["admin"])
    with pytest.raises(ValueError, match="unknown task"):
        jobs.enqueue("no.such.task")
    db.session.rollback()


def test_web_request_sends_mail_after_the_response(smtp, client, users):  # noqa: F811
    """Without Redis a request's job runs once the response is closed (the WSGI server
    closes it after sending the body), in its own app context and session."""
    FLAKY["failures_left"] = 0
    admin = users["admin"]
    unit_of_work.run(lambda: mailer.queue(db.session, [admin.email], "主题", "正文"))
    port = client.application.config["SMTP_PORT"]
    client.application.config["SMTP_PORT"] = free_port()  # the second send fails
    try:
        unit_of_work.run(lambda: mailer.queue(db.session, ["b@example.cn"], "主题", "正文"))
    finally:
        client.application.config["SMTP_PORT"] = port
    failed = _jobs()[-1]
    assert failed.status == "failed" and len(smtp.messages) == 1
    assert "ConnectionRefusedError" in failed.error
    login(client, admin.email)
    page = client.get(f"/admin/jobs/{failed.id}/retry")
    assert "确定重试" in page.get_data(as_text=True)
    response = client.post(f"/admin/jobs/{failed.id}/retry",
                           data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert len(smtp.messages) == 1  # not inside the request
    response.close()
    assert [rcpts for rcpts, _ in smtp.messages][-1] == ["b@example.cn"]
    assert _jobs()[-1].status == "finished"


def test_admin_list_filters_and_shows_errors(client, users):
    FLAKY["failures_left"] = 1
    unit_of_work.run(lambda: jobs.enqueue("tests.flaky", "a"))
    unit_of_work.run(lambda: jobs.enqueue("tests.flaky", "b"))
    login(client, users["admin"].email)
    failed = client.get("/admin/jobs?status=failed").get_data(as_text=True)
    assert "模拟失败：a" in failed and "重试" in failed and "共 1 个任务" in failed
    everything = client.get("/admin/jobs").get_data(as_text=True)
    assert "共 2 个任务" in everything and "已完成" in everything
    assert client.get("/admin/jobs?status=bogus&page=x").status_code == 200


def test_healthz(client, monkeypatch, redis_queue):
    ok = client.get("/healthz")
    assert ok.status_code == 200
    assert ok.json["database"] == "ok" and ok.json["redis"] == "ok"
    assert ok.json["queue_depth"] == 0 and ok.json["jobs_backend"] == "rq"
    closed = f"redis://:secret@127.0.0.1:{free_port()}/0"
    monkeypatch.setitem(client.application.config, "REDIS_URL", closed)
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.json["redis"] == "unreachable" and down.json["status"] == "unavailable"
    assert "secret" not in down.get_data(as_text=True)
    assert "127.0.0.1" not in down.get_data(as_text=True)
    monkeypatch.setitem(client.application.config, "REDIS_URL", None)
    assert client.get("/healthz").json["redis"] == "not configured"


def test_cli_screen_and_rank_in_the_background(ctx, tmp_path):
    runner = ctx.test_cli_runner()
    result = runner.invoke(args=["screen", "--background"])
    assert result.exit_code == 0 and "后台任务" in result.output
    out = tmp_path / "rank.csv"
    result = runner.invoke(args=["rank", "--background", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [(j.task, j.status) for j in _jobs()] == [
        ("screening.screen_all", "finished"), ("ranking.write_sheet", "finished")]
    assert out.exists()
    assert "REDIS_URL" in runner.invoke(args=["worker", "--burst"]).output


def test_flask_worker_command_runs_the_queue(smtp, redis_queue, ctx, users):  # noqa: F811
    """``flask worker --burst`` in its own process: same database, Redis and SMTP server."""
    import subprocess
    import sys
    from pathlib import Path

    _mail(users)
    assert redis_queue.count == 1
    env = {**os.environ, "APP_ENV": "testing", "REDIS_URL": REDIS_URL,
           "TEST_DATABASE_URL": ctx.config["SQLALCHEMY_DATABASE_URI"],
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(ctx.config["SMTP_PORT"])}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"],
                          cwd=Path(__file__).resolve().parents[3], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [rcpts for rcpts, _ in smtp.messages] == [[users["recipient"].email]]
    assert _jobs()[0].status == "finished" and redis_queue.count == 0


def test_a_running_job_whose_worker_died_can_be_retried(ctx, users):
    """A job left "running" by a dead worker may be queued again once it is stale."""
    from datetime import timedelta

    from matchmaker.models.base import utcnow

    unit_of_work.run(lambda: jobs.enqueue("tests.flaky", "x"))
    [job] = _jobs()
    job.status, job.started_at = "running", utcnow() - timedelta(minutes=5)
    db.session.commit()
    with pytest.raises(DomainError):
        unit_of_work.run(lambda: jobs.retry(job.id, by=users["admin"]))
    job.started_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    FLAKY["failures_left"] = 0
    unit_of_work.run(lambda: jobs.retry(job.id, by=users["admin"]))
    assert (_jobs()[0].status, _jobs()[0].attempts) == ("finished", 2)
