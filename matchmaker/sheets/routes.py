"""Sheet import (upload → preview → confirm), templates, error reports and list exports."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from .. import unit_of_work
from ..models import PendingUpload
from ..permissions import can_follow_import, can_import_list, is_staff
from ..services.errors import DomainError
from ..services.lists.browse import Filters
from ..services.params import page_args
from ..services.platform import audit
from ..services.sheets import exports, import_jobs, imports, uploads, workbooks
from ..web import client_ip
from .forms import ConfirmForm, UploadForm

bp = Blueprint("sheets", __name__)
KIND = "<any(needs, offers):kind>"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 200
REFRESH_SECONDS = 3  # the progress page reloads itself (no JavaScript needed)


def _authorise(kind: str) -> None:
    if not can_import_list(current_user, kind):
        abort(403)


def _import_org():
    """Recipients and supporters import for their own organisation; staff name it per row."""
    return import_jobs.import_org(current_user)


def _upload(kind: str, token: str, *, with_rows: bool = False) -> PendingUpload:
    """The upload named by ``token``; 404 unless it is the current user's."""
    upload = uploads.find(token, kind, with_rows=with_rows)
    if upload is None or not can_follow_import(current_user, upload):
        abort(404)
    return upload


def _load(kind: str, token: str) -> tuple[workbooks.Sheet, dict[str, Any]]:
    """The parsed sheet kept at upload (the file is never read again) and its meta."""
    upload = _upload(kind, token, with_rows=True)
    if upload.sheet is None:
        abort(404)
    return uploads.sheet_of(upload), uploads.meta_of(upload)


def _check(kind: str, sheet: workbooks.Sheet, meta: dict[str, Any]) -> imports.Plan:
    return imports.check(kind, sheet, org=_import_org(), draft=meta["draft"])


_preview = import_jobs.preview_of


def _xlsx(data: bytes, name: str):
    return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.app_context_processor
def sheet_links() -> dict[str, Any]:
    """Import/template/export buttons for the needs and offers list pages."""
    endpoint = request.endpoint or ""
    kind = {"needs.index": "needs", "offers.index": "offers"}.get(endpoint)
    if kind is None or not current_user.is_authenticated:
        return {}
    links = [("导出 Excel", "sheets.export", {"kind": kind, **request.args.to_dict()})]
    if can_import_list(current_user, kind):
        links.insert(0, ("批量导入", "sheets.upload", {"kind": kind}))
    return {"sheet_links": links}


@bp.route(f"/import/{KIND}", methods=["GET", "POST"])
@login_required
def upload(kind: str):
    _authorise(kind)
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read(workbooks.MAX_BYTES + 1)
        meta = {"user_id": current_user.id, "kind": kind, "draft": bool(form.draft.data),
                "filename": (form.file.data.filename or "upload")[-120:],
                "organisation_id": current_user.organisation_id}
        try:
            sheet = workbooks.read_sheet(data, meta["filename"], imports.HEADERS[kind])
            large = len(sheet.rows) > import_jobs.threshold()
            plan = None if large else _check(kind, sheet, meta)
        except DomainError as exc:
            message = exc.message
            unit_of_work.run(lambda: audit.record(
                f"{kind[:-1]}.import", user=current_user, ip=client_ip(), result="failure",
                changes={"file": meta["filename"], "error": message}))
            form.file.errors = [message]
        else:
            if plan is None:  # a large sheet: a job checks it, the page polls
                def keep_and_check() -> str:
                    token = uploads.store(sheet, meta, state="checking")
                    import_jobs.start_check(token, kind, by=current_user, ip=client_ip())
                    return token

                token = unit_of_work.run(keep_and_check)
            else:
                if not plan.ok:
                    unit_of_work.run(lambda: imports.record_rejected(
                        plan, by=current_user, ip=client_ip(), filename=meta["filename"]))
                token = unit_of_work.run(
                    lambda: uploads.store(sheet, meta | {"preview": _preview(plan)}))
            return redirect(url_for(".preview", kind=kind, token=token))
    status = 422 if form.errors else 200
    return render_template("sheets/upload.html", form=form, kind=kind,
                           label=imports.LABELS[kind], staff=is_staff(current_user),
                           headers=imports.HEADERS[kind], required=imports.REQUIRED[kind],
                           max_rows=workbooks.MAX_ROWS), status


def _progress_page(kind: str, token: str, upload: PendingUpload):
    """A check or import running in the background: rows done / total, reloading itself."""
    state = import_jobs.status(upload)
    response = make_response(render_template(
        "sheets/progress.html", kind=kind, token=token, upload=upload, state=state,
        label=imports.LABELS[kind], refresh=REFRESH_SECONDS))
    if not state["finished"]:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.get(f"/import/{KIND}/<token>")
@login_required
def preview(kind: str, token: str):
    _authorise(kind)
    upload = _upload(kind, token)
    if upload.state == "done":
        done = uploads.finished(token, user_id=current_user.id, kind=kind)
        return render_template("sheets/done.html", kind=kind, done=done,
                               label=imports.LABELS[kind])
    if upload.state != "ready":
        return _progress_page(kind, token, upload)
    _, meta = _load(kind, token)
    result = meta["preview"]
    only_errors = request.args.get("only") == "errors"
    rows = [r for r in result["rows"] if r["errors"]] if only_errors else result["rows"]
    page = page_args(request.args)["page"]
    pages = max((len(rows) + PER_PAGE - 1) // PER_PAGE, 1)
    shown = rows[(page - 1) * PER_PAGE:page * PER_PAGE]
    return render_template("sheets/preview.html", kind=kind, token=token, meta=meta,
                           result=result, rows=shown, page=page, pages=pages,
                           only_errors=only_errors, label=imports.LABELS[kind],
                           actions=imports.ACTIONS, form=ConfirmForm())


@bp.get(f"/import/{KIND}/<token>/status")
@login_required
def progress(kind: str, token: str):
    """The progress of a background check or import, for the page that polls it."""
    _authorise(kind)
    upload = _upload(kind, token)
    return jsonify(import_jobs.status(upload)
                   | {"url": url_for(".preview", kind=kind, token=token)})


@bp.post(f"/import/{KIND}/<token>")
@login_required
def confirm(kind: str, token: str):
    _authorise(kind)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    upload = _upload(kind, token)
    if upload.state == "done":
        flash("这个文件已经导入过了，没有重复保存。", "info")
        return redirect(url_for(".preview", kind=kind, token=token))
    if upload.state != "ready":
        flash("这个文件正在后台处理，请稍候。", "info")
        return redirect(url_for(".preview", kind=kind, token=token))
    if upload.rows_total > import_jobs.threshold():
        unit_of_work.run(lambda: import_jobs.start_import(upload, by=current_user,
                                                          ip=client_ip()))
        return redirect(url_for(".preview", kind=kind, token=token))
    sheet, meta = _load(kind, token)

    def save():
        plan = _check(kind, sheet, meta)
        if not plan.ok:
            return plan, None
        if not import_jobs.claim(upload):  # another confirmation got there first
            raise DomainError("这个文件已经在导入或已导入。")
        counts = imports.save(plan, by=current_user, ip=client_ip(), filename=meta["filename"])
        uploads.finish_upload(upload, imports.summary(counts))  # same transaction
        return plan, counts

    try:
        plan, counts = unit_of_work.run(save)
    except DomainError as exc:
        flash(f"{exc.message} 未保存任何数据。", "danger")
        return redirect(url_for(".preview", kind=kind, token=token))
    if counts is None:
        unit_of_work.run(lambda: imports.record_rejected(
            plan, by=current_user, ip=client_ip(), filename=meta["filename"]))
        unit_of_work.run(lambda: uploads.update(token, meta | {"preview": _preview(plan),
                                                                "error": ""}))
        flash(import_jobs.RECHECK_FAILED, "danger")
        return redirect(url_for(".preview", kind=kind, token=token))
    flash(f"导入完成：{imports.summary(counts)}。", "success")
    return redirect(url_for(f"{kind}.index"))


@bp.get(f"/import/{KIND}/<token>/errors.xlsx")
@login_required
def error_report(kind: str, token: str):
    _authorise(kind)
    sheet, meta = _load(kind, token)
    plan = _check(kind, sheet, meta)
    return _xlsx(exports.error_report(plan, sheet), f"{imports.LABELS[kind]}清单_错误说明.xlsx")


@bp.get(f"/import/{KIND}/template.xlsx")
@login_required
def template(kind: str):
    _authorise(kind)
    data = exports.template(kind, org=current_user.organisation,
                            with_org_column=is_staff(current_user))
    return _xlsx(data, f"{imports.LABELS[kind]}清单模板.xlsx")


@bp.get(f"/export/{KIND}.xlsx")
@login_required
def export(kind: str):
    data = unit_of_work.run(lambda: exports.export_list(
        kind, current_user, Filters.from_args(request.args), ip=client_ip()))
    return _xlsx(data, f"{imports.LABELS[kind]}清单.xlsx")
