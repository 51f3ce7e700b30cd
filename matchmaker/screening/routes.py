"""Screening pages: the review queue with evidence side by side; list import."""

from __future__ import annotations

from io import BytesIO

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from .. import unit_of_work
from ..extensions import db
from ..models import ScreeningHit
from ..models.blacklist import LIST_TYPES
from ..permissions import needs_reauthentication, requires
from ..services.errors import DomainError
from ..services.organisations import blacklist, screening
from ..services.params import page_args
from ..web import client_ip, commit_sensitive_action, flash_form_errors
from .forms import DecisionForm, ListUploadForm

bp = Blueprint("screening", __name__, url_prefix="/screening")


@bp.get("")
@requires("review_screening")
def queue():
    page = db.paginate(screening.open_hits_query(), **page_args(request.args, 20, 20),
                       error_out=False)
    return render_template("screening/queue.html", page=page, form=DecisionForm(),
                           reauth=needs_reauthentication(current_user),
                           list_size=blacklist.entry_count())


@bp.get("/lists/template.xlsx")
@requires("review_screening")
def list_template():
    return send_file(BytesIO(blacklist.template()), as_attachment=True,
                     download_name="非法社会组织名单模板.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.post("/hits/<int:hit_id>")
@requires("review_screening")
def decide(hit_id: int):
    hit = db.session.get(ScreeningHit, hit_id) or abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("screening.queue"))
    saved = commit_sensitive_action(
        "screening.suspend", form.password.data,
        lambda: screening.decide(hit, form.decision.data, form.note.data, by=current_user,
                                 ip=client_ip()),
        reauth=form.decision.data == "suspend")
    if saved:
        flash(f"已处理：{hit.organisation.name}（{hit.status_label}）。", "success")
    return redirect(url_for("screening.queue"))


@bp.route("/lists", methods=["GET", "POST"])
@requires("import_blacklist")
def lists():
    form = ListUploadForm()
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            plan = blacklist.parse(upload.read(), upload.filename or "")
        except DomainError as exc:
            errors, status = [exc.message], 422
        else:
            if plan.ok:
                added, held, hits = unit_of_work.run(lambda: blacklist.save(
                    plan, by=current_user, filename=upload.filename or "", ip=client_ip()))
                flash(f"导入完成：新增 {added} 条，已有 {held + plan.duplicates} 条；"
                      f"新发现筛查线索 {hits} 条。", "success")
                return redirect(url_for("screening.lists"))
            errors, status = plan.errors[:50], 422
    elif request.method == "POST":
        status = 422
    q = (request.args.get("q") or "").strip()[:50]
    list_type = request.args.get("type") or None
    page = db.paginate(blacklist.entries_query(q, list_type), **page_args(request.args, 50, 50),
                       error_out=False)
    return render_template("screening/lists.html", form=form, errors=errors, page=page,
                           headers=blacklist.HEADERS, list_types=LIST_TYPES,
                           filters={"q": q, "type": list_type}), status
