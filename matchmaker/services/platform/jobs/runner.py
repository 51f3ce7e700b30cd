"""Run one job: claim it, run its task in a unit of work, record how it ended.

:func:`perform` is what RQ calls (by dotted name, with the job id) and what the
in-process backend calls; it needs an app context and makes one when run bare."""

from __future__ import annotations

import logging
import traceback

from flask import has_app_context
from sqlalchemy import update

from .... import unit_of_work
from ....extensions import db
from ....models import Job
from ....models.base import utcnow
from ...errors import DomainError
from . import registry

log = logging.getLogger(__name__)
MAX_ERROR = 4000


def perform(job_id: int) -> str:
    """Run job ``job_id`` if it is still queued; return its final status (``finished``,
    ``failed``) or ``skipped`` when another runner has it or it is gone."""
    if has_app_context():
        return _perform(job_id)
    from ....app import create_app  # a bare ``rq worker``: the app from the environment

    with create_app().app_context():
        return _perform(job_id)


def _perform(job_id: int) -> str:
    claimed = unit_of_work.run(lambda: _claim(job_id))
    if claimed is None:
        return "skipped"
    task_name, args = claimed
    function = registry.load().get(task_name)
    try:
        if function is None:
            raise LookupError(f"未知的任务：{task_name}")
        unit_of_work.run(lambda: (function(*args), _end(job_id, "finished")))
    except Exception as exc:  # noqa: BLE001 - any failure of a task is recorded, not raised
        log.warning("job %s (%s) failed: %s", job_id, task_name, exc)
        text = _error_text(exc)
        unit_of_work.run(lambda: _end(job_id, "failed", text))
        return "failed"
    return "finished"


def _claim(job_id: int) -> tuple[str, list] | None:
    """queued → running (a conditional UPDATE: two runners never both take a job)."""
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == "queued")
        .values(status="running", attempts=Job.attempts + 1, started_at=utcnow(),
                finished_at=None, error="")
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return None
    job = db.session.get(Job, job_id, populate_existing=True)
    return job.task, list(job.args or [])


def _end(job_id: int, status: str, error: str = "") -> None:
    db.session.execute(update(Job).where(Job.id == job_id, Job.status == "running")
                       .values(status=status, error=error, finished_at=utcnow())
                       .execution_options(synchronize_session=False))


def _error_text(exc: BaseException) -> str:
    """The error an admin sees: the message, then the end of the traceback."""
    if isinstance(exc, DomainError):
        return exc.message[:MAX_ERROR]
    lines = traceback.format_exception(exc)
    return (f"{type(exc).__name__}: {exc}\n\n" + "".join(lines)[-MAX_ERROR:])[:MAX_ERROR]
