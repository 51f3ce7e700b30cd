"""Dashboard pages: thin views over services/dashboard, gaps, honours, reports and iati."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_login import current_user

from .. import unit_of_work
from ..permissions import authorise, requires
from ..services import localtime
from ..services.params import MAX_PAGE, bounded_int
from ..services.reporting import dashboard, downloads, gaps, honours, iati, tilemap
from ..services.reporting.dashboard import Scope
from ..web import client_ip

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(arg: str = "page") -> int:
    return bounded_int(request.args.get(arg), 1, MAX_PAGE, default=1)


def _download(data: bytes, mimetype: str, name: str):
    response = send_file(BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=name)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@bp.get("/")
@requires("view_dashboard")
def overview():
    scope = Scope.from_args(request.args)
    by = {d: dashboard.needs_by(d, scope) for d in dashboard.DIMENSIONS}
    return render_template("dashboard/overview.html", scope=scope, by=by,
                           total=dashboard.totals(by["province"]),
                           offers=dashboard.offers_by_kind(scope),
                           funnel=dashboard.funnel(scope))


@bp.get("/gaps")
@requires("view_dashboard")
def gap_analysis():
    scope = Scope.from_args(request.args)
    return render_template("dashboard/gaps.html", scope=scope,
                           gaps=gaps.gap_page(scope, _page()),
                           old=gaps.old_uncommitted(scope, _page("old_page")),
                           silent=gaps.silent_partner_regions(scope),
                           old_days=gaps.OLD_NEED_DAYS)


@bp.get("/map")
@requires("view_dashboard")
def gap_map():
    scope = Scope.from_args(request.args)
    by_pref = gaps.gap_by_prefecture(scope)
    return render_template("dashboard/map.html", scope=scope, map=tilemap.tiles(by_pref))


@bp.get("/table/<name>.<fmt>")
@requires("browse")
def table(name: str, fmt: str):
    authorise("view_honours" if name == "honours" else "view_dashboard")
    tbl = downloads.table(name, Scope.from_args(request.args),
                        honours.valid_year(request.args.get("year")))
    if tbl is None or fmt not in ("csv", "xlsx"):
        abort(404)
    data = unit_of_work.run(
        lambda: downloads.table_file(tbl, fmt, user=current_user, ip=client_ip()))
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    return _download(data, mimetype, f"{tbl[0]}.{fmt}")


@bp.get("/report.xlsx")
@requires("view_dashboard")
def report():
    data = unit_of_work.run(lambda: downloads.workbook(
        Scope.from_args(request.args), user=current_user, ip=client_ip()))
    return _download(data, XLSX, "援藏援疆项目对接报表.xlsx")


@bp.get("/3w.csv")
@requires("view_dashboard")
def hxl():
    data = unit_of_work.run(lambda: downloads.hxl_csv(
        Scope.from_args(request.args), user=current_user, ip=client_ip()))
    return _download(data, "text/csv; charset=utf-8", "3W数据（谁在何地做什么）.csv")


@bp.get("/iati.xml")
@requires("view_dashboard")
def iati_xml():
    data = unit_of_work.run(lambda: iati.activities_xml(
        Scope.from_args(request.args), user=current_user, ip=client_ip()))
    return _download(data, "application/xml", "国际援助透明度标准（IATI）项目数据.xml")


@bp.get("/honours")
@requires("view_honours")
def honour_list():
    year = honours.valid_year(request.args.get("year"))
    return render_template("dashboard/honours.html", year=year, years=honours.years(),
                           ranking=honours.ranking_page(year, _page()))


@bp.get("/honours/<int:organisation_id>")
@requires("view_honours")
def certificate(organisation_id: int):
    year = honours.valid_year(request.args.get("year"))
    figures = honours.certificate(organisation_id, year)
    if figures is None:
        abort(404)
    return render_template("dashboard/certificate.html", year=year, org=figures,
                           issuer=current_app.config["CERTIFICATE_ISSUER"],
                           issued_on=localtime.beijing_now().date())
