"""What the admin page asks of jobs: the list, and retrying a failed one."""

from __future__ import annotations

from sqlalchemy import Select, select, update

from ....extensions import db
from ....models import Job, User
from ...errors import DomainError, NotFound
from .. import audit
from .dispatch import schedule

STATUS_LABELS = {"queued": "排队中", "running": "运行中", "finished": "已完成",
                 "failed": "失败"}
TASK_LABELS = {"mail.send": "发送通知邮件", "screening.screen_all": "名单筛查",
               "ranking.write_sheet": "批量排序（推荐表）"}


def jobs_query(status: str | None = None) -> Select:
    """Newest first, optionally of one status."""
    query = select(Job).order_by(Job.id.desc())
    return query.where(Job.status == status) if status else query


def retry(job_id: int, *, by: User | None) -> Job:
    """Queue a failed job again (same id and arguments); it runs after the commit."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound("任务不存在。")
    changed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == "failed")
        .values(status="queued", started_at=None, finished_at=None)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise DomainError("只能重试失败的任务。")
    db.session.refresh(job)
    audit.record("job.retry", user=by, entity=job, changes={"status": ["failed", "queued"]})
    schedule(job.id)
    return job
