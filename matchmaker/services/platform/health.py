"""What ``/healthz`` reports: the database, Redis when configured, the job queue's depth.
Never a URL, host or password: only states and counts."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from ...extensions import db
from ...models import Job


def check() -> tuple[dict, bool]:
    """The report and whether everything configured is reachable."""
    report: dict = {"status": "ok"}
    healthy = True
    try:
        db.session.execute(text("SELECT 1"))
        report["database"] = "ok"
        report["jobs_queued"] = db.session.scalar(
            select(func.count(Job.id)).where(Job.status == "queued")) or 0
        report["jobs_failed"] = db.session.scalar(
            select(func.count(Job.id)).where(Job.status == "failed")) or 0
    except SQLAlchemyError:
        db.session.rollback()
        report["database"] = "unreachable"
        healthy = False
    finally:
        db.session.rollback()  # end the read transaction
    url = current_app.config.get("REDIS_URL")
    if not url:
        report["redis"] = "not configured"
        report["jobs_backend"] = "in-process"
    else:
        from redis.exceptions import RedisError  # loaded only where Redis is configured

        from .jobs import backend

        report["jobs_backend"] = "rq"
        try:
            queue = backend.rq_queue(url)
            queue.connection.ping()
            report["redis"] = "ok"
            report["queue_depth"] = queue.count
        except (RedisError, OSError):
            report["redis"] = "unreachable"
            healthy = False
    if not healthy:
        report["status"] = "unavailable"
    return report, healthy
