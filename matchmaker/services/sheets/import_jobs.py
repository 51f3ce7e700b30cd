"""Large imports as background jobs: the check (preview) and the confirmed save.

A sheet of more than ``IMPORT_JOB_ROWS`` data rows is checked and saved by a job
(``sheets.check``, ``sheets.import``: RQ with Redis, in-process after the response
without), which reports rows done / total (:mod:`.progress`) for the page that polls
:func:`status`. Smaller sheets keep the synchronous path of the views. The save is one
transaction: a failure leaves nothing behind and the page says so in Chinese.
"""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as clock
from typing import Any

from flask import current_app
from sqlalchemy import update

from ...extensions import db
from ...models import Job, PendingUpload, User
from ...permissions import is_staff
from ..errors import DomainError
from ..platform import jobs
from . import imports, progress, uploads

CELL_CHARS = 80  # preview cells are cut here; the error report keeps everything
PHASES = {"check": "检查", "save": "保存"}
RECHECK_FAILED = "重新检查时发现错误（数据可能已有变化），未保存任何数据。"
JOB_FAILED = ("导入失败，未保存任何数据。请重新上传；"
              "问题持续时请联系管理员（后台任务页有详细错误）。")


def threshold() -> int:
    """Sheets with more data rows than this are checked and saved by a job."""
    return int(current_app.config["IMPORT_JOB_ROWS"])


def cell_text(value: Any) -> str:
    """A cell as the preview shows it: dates as 2027-04-01 (a time only when there is one)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if value.time() == clock() else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def preview_of(plan: imports.Plan) -> dict[str, Any]:
    """What the preview page shows, kept beside the upload (cells cut to CELL_CHARS)."""
    def cut(value: Any) -> str:
        text = cell_text(value)
        return text if len(text) <= CELL_CHARS else text[:CELL_CHARS] + "…"

    return {
        "headers": plan.headers, "ignored": plan.ignored, "file_errors": plan.file_errors,
        "ok": plan.ok, "counts": plan.counts(), "error_count": len(plan.errors),
        "rows": [{"n": r.number, "values": [cut(v) for v in r.values], "action": r.action,
                  "errors": [[e.column, e.message] for e in r.errors]} for r in plan.rows],
    }


def import_org(user: User):
    """Recipients and supporters import for their own organisation; staff name it per row."""
    return None if is_staff(user) else user.organisation


def start_check(token: str, kind: str, *, by: User, ip: str | None) -> None:
    """Queue the check of a stored upload (state ``checking``)."""
    upload = uploads.find(token, kind)
    job = jobs.enqueue("sheets.check", upload.id, ip or "", by=by)
    upload.job_id = job.id


def claim(upload: PendingUpload) -> bool:
    """ready → importing, a conditional UPDATE: of two confirmations at once (a double
    click, two tabs, two hosts) only one goes on; the other waits for its commit, then
    finds the upload no longer ready."""
    return bool(db.session.execute(
        update(PendingUpload).where(PendingUpload.id == upload.id,
                                    PendingUpload.state == "ready")
        .values(state="importing", phase="", rows_done=0)
        .execution_options(synchronize_session=False)).rowcount)


def start_import(upload: PendingUpload, *, by: User, ip: str | None) -> bool:
    """Claim the upload and queue the save; False when it was not waiting for
    confirmation."""
    if not claim(upload):
        return False
    job = jobs.enqueue("sheets.import", upload.id, ip or "", by=by)
    db.session.execute(update(PendingUpload).where(PendingUpload.id == upload.id)
                       .values(job_id=job.id).execution_options(synchronize_session=False))
    return True


def _plan(upload: PendingUpload, user: User) -> imports.Plan:
    sheet = uploads.sheet_of(upload)
    return imports.check(upload.kind, sheet, org=import_org(user), draft=upload.draft,
                         progress=progress.reporter(upload.id, "check", len(sheet.rows)))


def _claim(upload_id: int, state: str) -> tuple[PendingUpload, User] | None:
    upload = db.session.get(PendingUpload, upload_id)
    if upload is None or upload.state != state:
        return None
    user = db.session.get(User, upload.user_id)
    return (upload, user) if user is not None else None


def run_check(upload_id: int, ip: str) -> int:
    """The job ``sheets.check``: check every row, keep the preview; returns rows checked."""
    claimed = _claim(upload_id, "checking")
    if claimed is None:
        return 0
    upload, user = claimed
    plan = _plan(upload, user)
    if not plan.ok:
        imports.record_rejected(plan, by=user, ip=ip or None, filename=upload.filename)
    uploads.set_preview(upload, preview_of(plan))
    upload.rows_done = len(plan.rows)
    progress.forget(upload.id)
    return len(plan.rows)


def run_import(upload_id: int, ip: str) -> int:
    """The job ``sheets.import``: check again, then save every row or none; returns rows
    saved. A refusal puts the upload back to its preview with the reason."""
    claimed = _claim(upload_id, "importing")
    if claimed is None:
        return 0
    upload, user = claimed
    plan = _plan(upload, user)
    try:
        counts = imports.save(
            plan, by=user, ip=ip or None, filename=upload.filename,
            progress=progress.reporter(upload.id, "save", len(plan.rows))) if plan.ok else None
    except DomainError as exc:
        uploads.set_preview(upload, preview_of(plan), error=f"{exc.message} 未保存任何数据。")
        progress.forget(upload.id)
        return 0
    if counts is None:
        imports.record_rejected(plan, by=user, ip=ip or None, filename=upload.filename)
        uploads.set_preview(upload, preview_of(plan), error=RECHECK_FAILED)
        progress.forget(upload.id)
        return 0
    uploads.finish_upload(upload, imports.summary(counts))
    progress.forget(upload.id)
    return len(plan.rows)


def status(upload: PendingUpload) -> dict[str, Any]:
    """What the polling page reads: state, rows done / total, the Chinese message."""
    job = db.session.get(Job, upload.job_id) if upload.job_id else None
    phase, done, total = progress.read(upload)
    state = upload.state
    if state in ("checking", "importing") and job is not None and job.status == "failed":
        state = "failed"
    if state in ("checking", "importing"):
        label = PHASES.get(phase, "排队")
        message = (f"正在{label}：{done} / {total} 行" if phase
                   else "已排队，等待后台处理…")
    elif state == "failed":
        message = JOB_FAILED
    elif state == "done":
        message = f"导入完成：{upload.info.get('summary') or ''}。"
    else:
        message = upload.info.get("error") or "检查完成，请查看预览。"
    return {"state": state, "phase": PHASES.get(phase, "") if state != "ready" else "",
            "rows_done": done, "rows_total": total, "message": message,
            "finished": state not in ("checking", "importing")}
