"""What the admin page asks of jobs: the list, and retrying a failed one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, and_, or_, select, update

from ....extensions import db
from ....models import Job, User
from ....models.base import utcnow
from ...errors import DomainError, NotFound
from .. import audit
from .dispatch import schedule

STATUS_LABELS = {"queued": "排队中", "running": "运行中", "finished": "已完成",
                 "failed": "失败"}
TASK_LABELS = {"mail.send": "发送通知邮件", "screening.screen_all": "名单筛查",
               "ranking.write_sheet": "批量排序（推荐表）", "sheets.check": "检查导入文件",
               "sheets.import": "导入清单"}


#: A job still "running" this long after it started lost its worker (RQ stops a job after
#: ``backend.JOB_TIMEOUT``): admins may queue it again.
STALE_AFTER = timedelta(hours=2)


def retryable_clause():
    """SQL: failed jobs, and running ones whose worker is gone."""
    return or_(Job.status == "failed",
               and_(Job.status == "running", Job.started_at < utcnow() - STALE_AFTER))


def can_retry(job: Job) -> bool:
    """What :func:`retryable_clause` says, for one loaded job (the page's button)."""
    return job.status == "failed" or (
        job.status == "running" and job.started_at is not None
        and job.started_at < utcnow() - STALE_AFTER)


def jobs_query(status: str | None = None) -> Select:
    """Newest first, optionally of one status."""
    query = select(Job).order_by(Job.id.desc())
    return query.where(Job.status == status) if status else query


def retry(job_id: int, *, by: User | None) -> Job:
    """Queue a failed (or abandoned running) job again, same id and arguments; it runs
    after the commit."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound("任务不存在。")
    before = job.status
    changed = db.session.execute(
        update(Job).where(Job.id == job_id, retryable_clause())
        .values(status="queued", started_at=None, finished_at=None)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise DomainError("只能重试失败的任务（或已中断的任务）。")
    db.session.refresh(job)
    audit.record("job.retry", user=by, entity=job, changes={"status": [before, "queued"]})
    schedule(job.id)
    return job
