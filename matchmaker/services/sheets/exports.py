"""Sheets the platform hands out: the filtered list, the blank template, the error report.

An exported list has exactly the import headers (plus 提交单位), so it imports back
unchanged. Contact data is masked (138****5678) for anyone who is not a coordinator, the
row's own organisation or a matched party (design.md §9).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ...extensions import db
from ...models import LIVE_STATUSES, Match, Need, Offer, Organisation, Sector, User
from ...models.matches import MATCH_STATUSES
from ...permissions import can_see_contact
from ..errors import join_messages
from ..lists.browse import Filters, browse
from ..money import wan_number
from ..platform import audit
from ..reference.regions import RegionIndex
from .imports import HEADERS, LABELS, ORG_HEADER, REQUIRED, Plan
from .workbooks import Sheet
from .writer import Table, write_xlsx, xlsx

MATCH_HEADERS = ["需求", "需求单位", "供给", "供给单位", "对接金额（万元）", "状态",
                 "得分（0–100）"]
TEXT_HEADERS = ("联系电话", "受援地区", "意向受援地区")


def mask_phone(phone: str) -> str:
    """'13812345678' -> '138****5678'; short values are hidden completely."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_name(name: str) -> str:
    """'次仁多吉' -> '次***'."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


class _RegionNames:
    """A region's name when that name resolves back to the same code, else its code."""

    def __init__(self) -> None:
        self.index = RegionIndex()
        self.cache: dict[str, str] = {}

    def __call__(self, code: str) -> str:
        if code not in self.cache:
            region = self.index.regions.get(code)
            name = region.name if region else code
            self.cache[code] = name if self.index.resolve(name).code == code else code
        return self.cache[code]


def _matched_ids(kind: str, user: User) -> set[int]:
    """Items the user's organisation is a live match party of (they may see contacts)."""
    if user.organisation_id is None:
        return set()
    own, other = (Match.need_id, Offer) if kind == "needs" else (Match.offer_id, Need)
    join_col = Match.offer_id if kind == "needs" else Match.need_id
    stmt = (select(own).join(other, other.id == join_col)
            .where(other.organisation_id == user.organisation_id,
                   Match.status.in_(LIVE_STATUSES)))
    return set(db.session.scalars(stmt))


def _row(kind: str, item: Any, region_name, show_contact: bool) -> list[Any]:
    contact = (item.contact_name, item.contact_phone) if show_contact else (
        mask_name(item.contact_name), mask_phone(item.contact_phone))
    common = [item.description, item.start_date, item.end_date, *contact,
              item.organisation.name]
    if kind == "needs":
        return [item.title, item.sector.name, region_name(item.region_code),
                wan_number(item.budget_yuan), item.beneficiaries, *common]
    return [item.title, "、".join(s.name for s in item.sectors),
            wan_number(item.budget_yuan),
            "、".join(region_name(r.code) for r in item.target_regions), *common]


def export_list(kind: str, user: User, filters: Filters, *, ip: str | None = None) -> bytes:
    """The list page's items (same visibility, filters and order) as .xlsx."""
    model = Need if kind == "needs" else Offer
    stmt = browse(model, user, filters)
    if model is Need:
        stmt = stmt.options(joinedload(Need.organisation), joinedload(Need.sector))
    else:
        stmt = stmt.options(joinedload(Offer.organisation), selectinload(Offer.sectors),
                            selectinload(Offer.target_regions))
    items = db.session.scalars(stmt).unique().all()
    matched = _matched_ids(kind, user)
    region_name = _RegionNames()
    rows = [_row(kind, i, region_name, can_see_contact(user, i, matched=i.id in matched))
            for i in items]
    headers = [*HEADERS[kind], ORG_HEADER]
    data = write_xlsx([(LABELS[kind] + "清单", headers, rows),
                       ("对接结果", MATCH_HEADERS, _match_rows(kind, [i.id for i in items]))],
                      text_columns=TEXT_HEADERS)
    audit.record(f"{kind[:-1]}.export", user=user, ip=ip,
                 changes={"rows": len(rows), "filters": filters.__dict__})
    return data


def _match_rows(kind: str, ids: list[int]) -> list[list[Any]]:
    column = Match.need_id if kind == "needs" else Match.offer_id
    out: list[list[Any]] = []
    for start in range(0, len(ids), 500):
        stmt = (select(Match).where(column.in_(ids[start:start + 500]),
                                    Match.status.in_(LIVE_STATUSES))
                .options(joinedload(Match.need).joinedload(Need.organisation),
                         joinedload(Match.offer).joinedload(Offer.organisation))
                .order_by(Match.id))
        out += [[m.need.title, m.need.organisation.name, m.offer.title,
                 m.offer.organisation.name, wan_number(m.amount_yuan),
                 MATCH_STATUSES.get(m.status, m.status),
                 round(m.score * 100) if m.score is not None else None]
                for m in db.session.scalars(stmt)]
    return out


GUIDE_HEADERS = ["列名", "是否必填", "填写要求", "示例"]
_REGION_RULE = ("西藏、新疆或兵团的地区名称，如 日喀则市、喀什地区、疏附县、兵团第三师；"
                "自治县可写简称（焉耆县）；也可填 6 位行政区划代码（如 540222）")
_MONEY_RULE = "单位为万元，只填数字，大于 0，可带小数（12.5 即 125,000 元），不要写“万元”"
_GUIDE = {
    "项目名称": "项目的名称。再次导入同名项目会更新原项目，不会重复新增",
    "领域": "从下拉列表中选择领域名称，也可填领域代码",
    "受援地区": _REGION_RULE,
    "资金需求（万元）": _MONEY_RULE,
    "受益人数": "整数，不小于 0",
    "可投入资金（万元）": _MONEY_RULE,
    "意向受援地区": "可填多个地区，用“、”分隔；留空表示不限地区。地区写法：" + _REGION_RULE,
    "项目简介": "项目内容、地点和受益对象，文字不限",
    "开始日期": "日期，写作 2026-05-01（也可用 Excel 日期格式或 2026年5月1日）",
    "结束日期": "日期，写法同开始日期，不能早于开始日期",
    "联系人": "姓名；只向协调人员和对接双方显示",
    "联系电话": "11 位手机号（如 13812345678）或带区号的座机（如 0892-8821234）",
    ORG_HEADER: "平台上已有单位的全称；导入不会新建单位",
}


def _example(kind: str, org: Organisation | None, with_org_column: bool) -> list[Any]:
    if kind == "needs":
        own = org.region if org is not None else None
        region = own.name if own is not None and own.is_recipient else "江孜县"
        example: list[Any] = ["乡村幼儿园双语教学设备配置", "学前教育", region, 68.5, 1260]
    else:
        example = ["乡村教师培训项目", "教师培训、职业教育", 120, "日喀则市、喀什地区"]
    example += ["简要说明项目内容、地点和受益对象。", "2026-05-01", "2026-12-31", "张三",
                "0892-8821234"]
    if with_org_column:
        example.append(org.name if org is not None else "日喀则市民政局")
    return example


def template(kind: str, *, org: Organisation | None, with_org_column: bool) -> bytes:
    """A blank import sheet (headers only, a 领域 drop-down) and a 填写说明 sheet: every
    column, required or not, how to write it, and an example value. The example lives on
    the 填写说明 sheet, never among the data rows, so it cannot be imported by accident."""
    headers = list(HEADERS[kind]) + ([ORG_HEADER] if with_org_column else [])
    sheet_name = LABELS[kind] + "清单"
    required = set(REQUIRED[kind]) | {ORG_HEADER}
    if kind == "offers":
        guide = {**_GUIDE, "领域": "一个或多个领域，用“、”分隔；领域名称见下拉列表，也可填领域代码"}
    else:
        guide = _GUIDE
    example = _example(kind, org, with_org_column)
    rows: list[list[Any]] = [[h, "必填" if h in required else "选填", guide[h], value]
                             for h, value in zip(headers, example, strict=True)]
    rows += [[], ["使用方法", "",
                  f"在“{sheet_name}”工作表中从第 2 行起填写，每行一个项目；第一行的列名不要修改。"],
             ["", "", "本“填写说明”工作表不会被导入，示例列仅供参考。"],
             ["", "", "导入时会先检查每一行，只要有一处错误就不保存任何数据，并列出每个错误。"]]
    from openpyxl.worksheet.datavalidation import DataValidation  # loads with a workbook

    names = db.session.scalars(select(Sector.name).order_by(Sector.sort_order, Sector.code)).all()
    validation = DataValidation(type="list", formula1=f"=领域列表!$A$1:$A${max(len(names), 1)}",
                                allow_blank=True, errorStyle="warning", showErrorMessage=True,
                                errorTitle="领域",
                                error="请从列表中选择领域（多个领域用“、”分隔）。")
    validation.add("B2:B10001")
    return xlsx([Table(sheet_name, headers, [], validations=[validation],
                       text_columns=TEXT_HEADERS, freeze="A2",
                       widths=(40, 16, 16, 16, 14, 40, 12, 12, 10, 16, 20)),
                 Table("填写说明", GUIDE_HEADERS, rows, text_columns=("示例",),
                       widths=(18, 10, 70, 36)),
                 Table("领域列表", names[:1], [[n] for n in names[1:]], hidden=True)])


def error_report(plan: Plan, sheet: Sheet) -> bytes:
    """The uploaded rows with an 错误说明 column; file-level problems on a 说明 sheet."""
    by_row: dict[int, list[str]] = {}
    for error in plan.errors:
        by_row.setdefault(error.row, []).append(f"{error.column}：{error.message}")
    width = len(sheet.headers)
    rows = [[*values[:width], join_messages(by_row.get(number, []))]
            for number, values in sheet.rows]
    notes = [[m] for m in plan.file_errors]
    if plan.ignored:
        notes.append([f"已忽略的列：{'、'.join(plan.ignored)}"])
    sheets = [(LABELS[plan.kind] + "清单", [*sheet.headers, "错误说明"], rows)]
    if notes:
        sheets.append(("说明", ["说明"], notes))
    return write_xlsx(sheets, text_columns=("联系电话",))
