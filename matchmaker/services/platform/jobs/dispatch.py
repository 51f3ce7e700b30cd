"""Enqueue jobs in the caller's transaction and hand them over once it commits.

``session.info`` carries the ids: ``PENDING`` until the commit (dropped by a rollback),
then, without Redis (or when Redis refuses them), ``READY`` until this process runs them.
The listeners are bound by the app factory to the app's session only (:func:`register`).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import flask
from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from ....extensions import db
from ....models import Job, User
from . import registry

log = logging.getLogger(__name__)
PENDING, READY, DRAINING = "jobs_pending", "jobs_ready", "jobs_draining"
RUNNER = "matchmaker.services.platform.jobs.runner.perform"


def enqueue(task_name: str, *args: Any, by: User | None = None) -> Job:
    """Record the task ``task_name(*args)`` to run after the current transaction commits.

    ``args`` are plain values (ids, strings, numbers, lists of them); ``by`` is who asked
    (None for the system). Raises ``ValueError`` for an unknown task or a non-plain value."""
    if task_name not in registry.load():
        raise ValueError(f"unknown task {task_name!r}")
    if not registry.is_plain(args):
        raise ValueError(f"task {task_name!r} takes plain values only, not {args!r}")
    job = Job(task=task_name, args=list(args), status="queued", attempts=0, error="",
              created_by_id=by.id if by is not None else None)
    db.session.add(job)
    db.session.flush()
    schedule(job.id)
    return job


def schedule(job_id: int) -> None:
    """Hand job ``job_id`` (queued in this transaction) over after the commit."""
    db.session().info.setdefault(PENDING, []).append(job_id)
    if has_request_context() and not g.get("_jobs_after_response"):
        g._jobs_after_response = True
        flask.after_this_request(_run_after_response)


def register(session: scoped_session | type[Session]) -> None:
    """Dispatch after ``session`` commits, forget after a rollback; idempotent."""
    for name, listener in (("after_commit", _after_commit), ("after_rollback", _forget)):
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)


def _after_commit(session: Session) -> None:
    ids = session.info.pop(PENDING, [])
    if not ids:
        return
    url = current_app.config.get("REDIS_URL") if has_app_context() else None
    if url:
        from redis.exceptions import RedisError  # Redis and RQ load only when configured

        from .backend import JOB_TIMEOUT, rq_queue

        try:
            queue = rq_queue(url)
            for index, job_id in enumerate(ids):
                queue.enqueue(RUNNER, job_id, job_id=f"job-{job_id}-{secrets.token_hex(4)}",
                              job_timeout=JOB_TIMEOUT, result_ttl=3600,
                              failure_ttl=7 * 86400)
                ids[index] = None
        except RedisError as exc:  # Redis down: run here rather than lose the job
            log.warning("Redis refused jobs, running them in-process: %s", exc)
        ids = [job_id for job_id in ids if job_id is not None]
    session.info.setdefault(READY, []).extend(ids)


def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


def run_ready() -> None:
    """Run the committed in-process jobs of this session now (outside requests: a request
    runs them after its response is sent). Called by the unit of work after a commit."""
    if has_request_context():
        return
    _drain(db.session())


def _drain(session: Session) -> None:
    """Run ``session``'s ready jobs one by one, including those they enqueue."""
    if session.info.get(DRAINING):
        return  # a job enqueued by a running job: the outer loop runs it
    from .runner import perform

    session.info[DRAINING] = True
    try:
        while session.info.get(READY):
            perform(session.info[READY].pop(0))
    finally:
        session.info.pop(DRAINING, None)


def _run_after_response(response):
    """Run this request's committed jobs once the response has been sent."""
    ids = db.session().info.pop(READY, [])
    if ids:
        app: flask.Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(lambda: _run_in_new_context(app, ids))
    return response


def _run_in_new_context(app: flask.Flask, ids: list[int]) -> None:
    """The jobs in an app context (and database session) of their own: the request's
    context is gone once its response is closed."""
    with app.app_context():
        try:
            session = db.session()
            session.info.setdefault(READY, []).extend(ids)
            _drain(session)
        finally:
            db.session.remove()
