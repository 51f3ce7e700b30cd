"""Build test sheets in memory with openpyxl (no binary fixtures)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

NEED_HEADERS = ["项目名称", "领域", "受援地区", "资金需求（万元）", "受益人数", "项目简介",
                "开始日期", "结束日期", "联系人", "联系电话"]
OFFER_HEADERS = ["项目名称", "领域", "可投入资金（万元）", "意向受援地区", "项目简介",
                 "开始日期", "结束日期", "联系人", "联系电话"]


def xlsx(rows: list[list[Any]], headers: list[str] | None = None, *, merge: str = "") -> bytes:
    """An .xlsx with ``headers`` (default: the needs headers) and ``rows``."""
    workbook = Workbook()
    ws = workbook.active
    ws.append(headers if headers is not None else NEED_HEADERS)
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def need_row(title: str = "江孜县幼儿园设备", **kw: Any) -> list[Any]:
    """One valid needs row for an organisation in 日喀则市 (540200)."""
    values = {"项目名称": title, "领域": "学前教育", "受援地区": "江孜县", "资金需求（万元）": 12.5,
              "受益人数": 300, "项目简介": "配置教学设备", "开始日期": "2027-03-01",
              "结束日期": "2027-12-31", "联系人": "次仁", "联系电话": "13812345678"}
    values.update(kw)  # header names as keys: need_row(**{"资金需求（万元）": "1,200"})
    return [values[h] for h in NEED_HEADERS]


def offer_row(title: str = "教师培训项目", **kw: Any) -> list[Any]:
    values = {"项目名称": title, "领域": "教师培训、职业教育", "可投入资金（万元）": 100,
              "意向受援地区": "日喀则市、喀什地区", "项目简介": "组织培训",
              "开始日期": "2027-03-01", "结束日期": "2027-12-31", "联系人": "王芳",
              "联系电话": "021-63211234"}
    values.update(kw)
    return [values[h] for h in OFFER_HEADERS]
