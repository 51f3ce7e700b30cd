"""Sheet import (upload → preview → confirm), templates, error reports and list exports."""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as clock
from io import BytesIO
from typing import Any

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
from flask_login import current_user, login_required

from .. import unit_of_work
from ..permissions import can_import_list, is_staff
from ..services.errors import DomainError
from ..services.lists.browse import Filters
from ..services.params import page_args
from ..services.platform import audit
from ..services.sheets import exports, imports, uploads, workbooks
from ..web import client_ip
from .forms import ConfirmForm, UploadForm

bp = Blueprint("sheets", __name__)
KIND = "<any(needs, offers):kind>"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 200
CELL_CHARS = 80  # preview cells are cut here; the error report keeps everything


def _authorise(kind: str) -> None:
    if not can_import_list(current_user, kind):
        abort(403)


def _import_org():
    """Recipients and supporters import for their own organisation; staff name it per row."""
    return None if is_staff(current_user) else current_user.organisation


def _load(kind: str, token: str) -> tuple[workbooks.Sheet, dict[str, Any]]:
    """The parsed sheet kept at upload (the file is never read again) and its meta."""
    found = uploads.load(token, user_id=current_user.id, kind=kind)
    if found is None:
        abort(404)
    return found


def _check(kind: str, sheet: workbooks.Sheet, meta: dict[str, Any]) -> imports.Plan:
    return imports.check(kind, sheet, org=_import_org(), draft=meta["draft"])


def _cell_text(value: Any) -> str:
    """A cell as the preview shows it: dates as 2027-04-01 (a time only when there is one)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if value.time() == clock() else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _preview(plan: imports.Plan) -> dict[str, Any]:
    """What the preview page shows, kept beside the upload (cells cut to CELL_CHARS)."""
    def cut(value: Any) -> str:
        text = _cell_text(value)
        return text if len(text) <= CELL_CHARS else text[:CELL_CHARS] + "…"

    return {
        "headers": plan.headers, "ignored": plan.ignored, "file_errors": plan.file_errors,
        "ok": plan.ok, "counts": plan.counts(), "error_count": len(plan.errors),
        "rows": [{"n": r.number, "values": [cut(v) for v in r.values], "action": r.action,
                  "errors": [[e.column, e.message] for e in r.errors]} for r in plan.rows],
    }


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
                "filename": (form.file.data.filename or "upload")[-120:]}
        try:
            sheet = workbooks.read_sheet(data, meta["filename"], imports.HEADERS[kind])
            plan = _check(kind, sheet, meta)
        except DomainError as exc:
            message = exc.message
            unit_of_work.run(lambda: audit.record(
                f"{kind[:-1]}.import", user=current_user, ip=client_ip(), result="failure",
                changes={"file": meta["filename"], "error": message}))
            form.file.errors = [message]
        else:
            if not plan.ok:
                unit_of_work.run(lambda: imports.record_rejected(
                    plan, by=current_user, ip=client_ip(), filename=meta["filename"]))
            token = uploads.store(sheet, meta | {"preview": _preview(plan)})
            return redirect(url_for(".preview", kind=kind, token=token))
    status = 422 if form.errors else 200
    return render_template("sheets/upload.html", form=form, kind=kind,
                           label=imports.LABELS[kind], staff=is_staff(current_user),
                           headers=imports.HEADERS[kind], required=imports.REQUIRED[kind],
                           max_rows=workbooks.MAX_ROWS), status


@bp.get(f"/import/{KIND}/<token>")
@login_required
def preview(kind: str, token: str):
    _authorise(kind)
    done = uploads.finished(token, user_id=current_user.id, kind=kind)
    if done is not None:
        return render_template("sheets/done.html", kind=kind, done=done,
                               label=imports.LABELS[kind])
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


@bp.post(f"/import/{KIND}/<token>")
@login_required
def confirm(kind: str, token: str):
    _authorise(kind)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if uploads.finished(token, user_id=current_user.id, kind=kind) is not None:
        flash("这个文件已经导入过了，没有重复保存。", "info")
        return redirect(url_for(".preview", kind=kind, token=token))
    sheet, meta = _load(kind, token)
    def save():
        plan = _check(kind, sheet, meta)
        counts = imports.save(plan, by=current_user, ip=client_ip(),
                              filename=meta["filename"]) if plan.ok else None
        return plan, counts

    try:
        plan, counts = unit_of_work.run(save)
    except DomainError as exc:
        flash(f"{exc.message} 未保存任何数据。", "danger")
        return redirect(url_for(".preview", kind=kind, token=token))
    if counts is None:
        unit_of_work.run(lambda: imports.record_rejected(
            plan, by=current_user, ip=client_ip(), filename=meta["filename"]))
        uploads.update(token, meta | {"preview": _preview(plan)})
        flash("重新检查时发现错误（数据可能已有变化），未保存任何数据。", "danger")
        return redirect(url_for(".preview", kind=kind, token=token))
    uploads.finish(token, meta | {"summary": imports.summary(counts), "preview": None})
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
