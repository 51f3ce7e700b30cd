"""Audit log: filterable list and .xlsx export (the export is itself audited)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from .. import unit_of_work
from ..extensions import db
from ..models.base import utcnow
from ..permissions import requires
from ..services.params import page_args
from ..services.platform import audit_format, audit_history, audit_search
from ..web import client_ip

bp = Blueprint("audit", __name__, url_prefix="/audit")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("")
@requires("view_audit_log")
def index():
    filters = audit_search.AuditFilters.from_args(request.args)
    page = db.paginate(audit_search.query(filters), **page_args(request.args, 50, 50),
                       error_out=False)
    audit_history.name_actors(page.items)  # 操作人 by name
    return render_template("audit/index.html", page=page, filters=filters,
                           choices=audit_search.choices(), results=audit_search.RESULT_LABELS,
                           format_changes=audit_format.format_changes,
                           entity_labels=audit_format.ENTITY_LABELS)


@bp.get("/export.xlsx")
@requires("view_audit_log")
def export():
    filters = audit_search.AuditFilters.from_args(request.args)
    data, _count = unit_of_work.run(
        lambda: audit_search.export_xlsx(filters, by=current_user, ip=client_ip()))
    name = f"audit-{utcnow():%Y%m%d-%H%M%S}.xlsx"
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
