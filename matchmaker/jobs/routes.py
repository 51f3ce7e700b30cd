"""Admins list background jobs (status filter, Beijing time) and retry failed ones: a
confirmation page (GET), then the POST that queues the job again."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import unit_of_work
from ..extensions import db
from ..models import Job
from ..permissions import requires
from ..services.errors import DomainError
from ..services.params import page_args
from ..services.platform import jobs
from ..services.platform.jobs.admin import TASK_LABELS
from ..users.forms import ActionForm

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")


@bp.get("")
@requires("manage_jobs")
def index():
    status = request.args.get("status", "")
    status = status if status in jobs.STATUS_LABELS else ""
    per_page = current_app.config["PER_PAGE"]
    page = db.paginate(jobs.jobs_query(status or None),
                       **page_args(request.args, per_page, per_page), error_out=False)
    return render_template("jobs/list.html", page=page, status=status,
                           statuses=jobs.STATUS_LABELS, task_labels=TASK_LABELS,
                           can_retry=jobs.can_retry,
                           backend="RQ（Redis）" if current_app.config.get("REDIS_URL")
                           else "Web 进程内（未配置 Redis）")


@bp.route("/<int:job_id>/retry", methods=["GET", "POST"])
@requires("manage_jobs")
def retry(job_id: int):
    job = db.session.get(Job, job_id) or abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("jobs/confirm.html", job=job, form=form,
                               task_labels=TASK_LABELS, retryable=jobs.can_retry(job))
    try:
        unit_of_work.run(lambda: jobs.retry(job_id, by=current_user))
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash(f"任务 #{job_id} 已重新排队。", "success")
    return redirect(url_for("jobs.index"))
