"""Dashboard tables as downloads: one table as CSV/xlsx, the 报表 workbook, the HXL 3W CSV.

Money in downloads is 万元 (as in every sheet of the platform). Each export is an audit event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import Match, Need, Offer, Organisation, Region, Sector, User
from ...models.matches import MATCH_STATUSES
from ..money import wan_number
from ..platform import audit
from ..sheets import writer
from . import dashboard, gaps, honours
from .dashboard import PROVINCE_LABELS, Scope, prefecture_of

Table = tuple[str, list[str], list[list[Any]]]
NEED_HEADERS = ["发布需求（个）", "需求金额（万元）", "已落实需求（个）", "已落实金额（万元）",
                "已完成对接（个）", "实际到位（万元）"]
TABLES = {
    "province": "按受援省区", "prefecture": "按地州市／师", "sector": "按领域",
    "offers": "供给与剩余资金", "funnel": "对接进展", "gaps": "缺口排名",
    "silent": "对口支援方尚未发布供给的地区", "honours": "表彰名单",
}


def _needs_table(dimension: str, scope: Scope) -> Table:
    rows = [[r["label"], r["posted_n"], wan_number(r["posted"]), r["committed_n"],
             wan_number(r["committed"]), r["delivered_n"], wan_number(r["delivered"])]
            for r in dashboard.needs_by(dimension, scope)]
    return TABLES[dimension], [dashboard.DIMENSIONS[dimension], *NEED_HEADERS], rows


def table(name: str, scope: Scope, year: int | None = None) -> Table | None:
    """A dashboard table by name: (title, headers, rows); None for an unknown name."""
    if name in dashboard.DIMENSIONS:
        return _needs_table(name, scope)
    if name == "offers":
        return TABLES[name], ["供给方", "供给（个）", "供给金额（万元）", "已承诺（万元）",
                              "剩余可用（万元）"], [
            [r["label"], r["count"], wan_number(r["budget"]), wan_number(r["committed"]),
             wan_number(r["remaining"])] for r in dashboard.offers_by_kind(scope)]
    if name == "funnel":
        return TABLES[name], ["环节", "对接（个）", "中位用时（天）"], [
            [r["step"], r["count"], r["days"]] for r in dashboard.funnel(scope)]
    if name == "gaps":
        return TABLES[name], ["地州市／师", "领域", "需求（个）", "需求金额（万元）",
                              "已落实（万元）", "缺口（万元）"], [
            [r["prefecture_name"], r["sector_name"], r["needs"], wan_number(r["budget"]),
             wan_number(r["committed"]), wan_number(r["gap"])] for r in gaps.gap_rows(scope)]
    if name == "silent":
        return TABLES[name], ["地区代码", "地区", "对口支援方"], [
            [r["code"], r["name"], r["partners"]] for r in gaps.silent_partner_regions(scope)]
    if name == "honours":
        return TABLES[name], ["名次", "单位", "统一社会信用代码", "完成项目（个）",
                              "实际到位（万元）", "受援地区（个）"], [
            [r["rank"], r["name"], r["uscc"] or "", r["completed"], wan_number(r["delivered"]),
             r["places"]] for r in honours.ranking(year)]
    return None


def _match_rows(scope: Scope, statuses=("confirmed", "accepted", "completed"), limit=20000):
    """Live matches in scope with names for both sides and the need's places."""
    region, pref, province = aliased(Region), aliased(Region), aliased(Region)
    funder, recipient = aliased(Organisation), aliased(Organisation)
    return db.session.execute(
        select(Match, Need.title, recipient.name, funder.name, Sector.name, province.code,
               province.name, pref.code, pref.name, region.code, region.name)
        .join(Need, Need.id == Match.need_id).join(Offer, Offer.id == Match.offer_id)
        .join(recipient, recipient.id == Need.organisation_id)
        .join(funder, funder.id == Offer.organisation_id)
        .join(Sector, Sector.code == Need.sector_code)
        .join(region, region.code == Need.region_code)
        .join(province, province.code == region.province_code)
        .outerjoin(pref, pref.code == prefecture_of(region))
        .where(Match.status.in_(statuses), *scope.place(region),
               *scope.period(Match.created_at))
        .order_by(Match.id).limit(limit)).all()


def _counted(match: Match) -> bool:
    """Only delivered money the offer side confirmed is reported (see ``counted``)."""
    return match.delivery_status == "confirmed" and match.delivered_yuan is not None


def _matches_table(scope: Scope) -> Table:
    rows = [[m.id, title, rec, fund, sector, PROVINCE_LABELS.get(pcode, pname),
             pref_name or "", rname, wan_number(m.amount_yuan),
             wan_number(m.delivered_yuan) if _counted(m) else "",
             MATCH_STATUSES.get(m.status, m.status), m.created_at.date(), m.completed_on]
            for m, title, rec, fund, sector, pcode, pname, _pc, pref_name, _rc, rname
            in _match_rows(scope)]
    return "对接明细", ["编号", "需求", "受援单位", "支援单位", "领域", "受援省区", "地州市／师",
                    "地区", "对接金额（万元）", "实际到位（万元）", "状态", "确认日期",
                    "完成日期"], rows


def _captioned(tbl: Table, name: str | None = None) -> writer.Table:
    """A sheet with the table's title in the first row, headers in the second (frozen)."""
    title, headers, rows = tbl
    return writer.Table(name or title, [title], [headers, *rows], freeze="A3")


def table_xlsx(tbl: Table) -> bytes:
    """One dashboard table as .xlsx (formula-like text is stored as text)."""
    return writer.xlsx([_captioned(tbl)])


def table_csv(tbl: Table) -> bytes:
    """One dashboard table as CSV, UTF-8 with BOM (Excel opens it correctly)."""
    return writer.csv_bytes([tbl[1], *tbl[2]])


def table_file(tbl: Table, fmt: str, *, user: User, ip: str | None = None) -> bytes:
    """One dashboard table as ``csv`` or ``xlsx``; the download is an audit event (who
    exported what and when)."""
    audit.record("dashboard.export", user=user, ip=ip,
                 changes={"format": fmt, "table": tbl[0]})
    return table_csv(tbl) if fmt == "csv" else table_xlsx(tbl)


def workbook(scope: Scope, *, user: User, ip: str | None = None) -> bytes:
    """The 报表: overview, gaps, matches and contributors for ``scope`` as one .xlsx."""
    overview: list[list[Any]] = []
    for name in ("province", "prefecture", "sector", "offers", "funnel"):
        title, headers, rows = table(name, scope)
        overview += [[], [title], headers, *rows]
    year = scope.date_from.year if scope.date_from and scope.date_to and \
        scope.date_from.year == scope.date_to.year else None
    data = writer.xlsx([
        writer.Table("总览", ["援藏援疆项目对接报表", scope.label], overview),
        *(_captioned(tbl, sheet) for sheet, tbl in (
            ("缺口", table("gaps", scope)), ("对接明细", _matches_table(scope)),
            ("贡献单位", table("honours", scope, year))))])
    audit.record("dashboard.export", user=user, ip=ip,
                 changes={"format": "xlsx", "scope": scope.args()})
    return data


HXL_COLUMNS = [("支援单位", "#org+funding"), ("受援单位", "#org+impl"), ("项目", "#activity"),
               ("领域", "#sector"), ("受援省区", "#adm1+name"), ("省区代码", "#adm1+code"),
               ("地州市／师", "#adm2+name"), ("地州市代码", "#adm2+code"),
               ("对接金额（元）", "#value+committed"), ("实际到位（元）", "#value+disbursed"),
               ("状态", "#status")]


def hxl_csv(scope: Scope, *, user: User, ip: str | None = None) -> bytes:
    """3W (who does what where) as HXL-tagged CSV: header row, tag row, one row per match."""
    rows = [[h for h, _ in HXL_COLUMNS], [t for _, t in HXL_COLUMNS]]
    rows += [[fund, rec, title, sector, pname, pcode, pref_name or "", pref_code or "",
              m.amount_yuan, m.delivered_yuan if _counted(m) else "",
              MATCH_STATUSES.get(m.status, m.status)]
             for m, title, rec, fund, sector, pcode, pname, pref_code, pref_name, _rc, _rn
             in _match_rows(scope)]
    audit.record("dashboard.export", user=user, ip=ip,
                 changes={"format": "hxl", "scope": scope.args()})
    return writer.csv_bytes(rows, bom=False)  # HXL tools read plain UTF-8
