"""Background jobs: one API, ``jobs.enqueue(task_name, *plain_args)``, whatever runs them.

A job is a row in the table ``jobs`` added in the caller's transaction: it runs only if
that transaction commits. After the commit it is handed to

- RQ on Redis when ``REDIS_URL`` is set (``flask worker`` runs it), or
- this process when it is not: after the response is sent (in a request) or right after
  the unit of work commits (CLI, tests), so ``make run`` needs nothing more.

Tasks (:mod:`.tasks`) are registered functions taking plain values (ids, strings); each
runs inside an app context in its own unit of work, which also records the job finished
(or failed, with its error, in a second one). Admins see and retry jobs at /admin/jobs.
"""

from __future__ import annotations

from .admin import STATUS_LABELS, can_retry, jobs_query, retry
from .dispatch import enqueue, register, run_ready
from .registry import TASKS, task
from .runner import perform

__all__ = ["STATUS_LABELS", "TASKS", "can_retry", "enqueue", "jobs_query", "perform", "register",
           "retry", "run_ready", "task"]
