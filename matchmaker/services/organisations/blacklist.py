"""Importing the 非法社会组织 lists 民政部 and local bureaus publish (CSV or xlsx)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from ...extensions import db
from ...models import BlacklistEntry, User
from ...models.blacklist import LIST_TYPES
from ..platform import audit
from ..sheets import workbooks, writer
from . import namematch, screening, uscc

#: Column → accepted header texts (Chinese first; English accepted for CSV exports).
COLUMNS = {
    "name": ("名称", "组织名称", "name"),
    "list_type": ("名单类型", "list_type", "type"),
    "batch_label": ("批次", "batch", "batch_label"),
    "publisher": ("发布机关", "发布单位", "publisher"),
    "published_on": ("发布日期", "publish_date", "published_on"),
    "source_url": ("来源网址", "来源", "source_url", "url"),
    "uscc": ("统一社会信用代码", "信用代码", "uscc", "credit_code"),
}
HEADERS = [names[0] for names in COLUMNS.values()]
_TYPE_WORDS = {"suspected": ("涉嫌", "suspected"), "banned": ("取缔", "banned"),
               "other": ("其他", "other")}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass
class ListImport:
    entries: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duplicates: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.entries)


def _list_type(text: str) -> str | None:
    for code, words in _TYPE_WORDS.items():
        if any(w in text.lower() for w in words):
            return code
    return None


def _date(value: Any) -> date | None | str:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _DATE.match(str(value).strip())
    if not m:
        return "error"
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return "error"


def parse(data: bytes, filename: str) -> ListImport:
    """Check every row; nothing is saved. Raises SheetError for unreadable files."""
    sheet = workbooks.read_sheet(data, filename, [h for names in COLUMNS.values() for h in names])
    keys = [workbooks.header_key(h).lower() for h in sheet.headers]
    where: dict[str, int] = {}
    for column, names in COLUMNS.items():
        for name in names:
            if workbooks.header_key(name).lower() in keys:
                where[column] = keys.index(workbooks.header_key(name).lower())
                break
    result = ListImport()
    missing = [COLUMNS[c][0] for c in ("name", "list_type") if c not in where]
    if missing:
        result.errors.append(f"缺少必需的列：{'、'.join(missing)}。")
        return result
    seen: set[tuple[str, str]] = set()
    for number, values in sheet.rows:
        row = {c: ("" if values[i] is None else values[i]) for c, i in where.items()}
        name = str(row.get("name", "")).strip()
        kind = _list_type(str(row.get("list_type", "")))
        when = _date(row.get("published_on"))
        code = uscc.normalise(str(row.get("uscc") or "")) or None
        problems = []
        if not name or len(name) > 200:
            problems.append("名称必填，最多 200 字")
        if kind is None:
            problems.append(f"名单类型须为 {'、'.join(LIST_TYPES.values())} 之一")
        if when == "error":
            problems.append("发布日期格式应为 2021-05-28")
        if code and uscc.validate(code):
            problems.append(uscc.validate(code).rstrip("。"))
        for column, limit in (("batch_label", 120), ("publisher", 120), ("source_url", 500)):
            if len(str(row.get(column, ""))) > limit:
                problems.append(f"{COLUMNS[column][0]}最多 {limit} 字")
        if problems:
            result.errors.append(f"第 {number} 行：{'；'.join(problems)}。")
            continue
        key = (name, str(row.get("batch_label", "")).strip())
        if key in seen:
            result.duplicates += 1
            continue
        seen.add(key)
        result.entries.append({
            "name": name, "list_type": kind, "published_on": when, "uscc": code,
            "batch_label": key[1], "publisher": str(row.get("publisher", "")).strip(),
            "source_url": str(row.get("source_url", "")).strip(),
        })
    if not result.entries and not result.errors:
        result.errors.append("文件中没有名单数据。")
    return result


def save(plan: ListImport, *, by: User | None, filename: str = "",
         ip: str | None = None) -> tuple[int, int, int]:
    """Store new entries (skipping ones already held), then screen every organisation
    against them. Returns (added, already held, new screening hits)."""
    held = set(db.session.execute(select(BlacklistEntry.name, BlacklistEntry.batch_label)))
    added = []
    for row in plan.entries:
        if (row["name"], row["batch_label"]) in held:
            continue
        entry = BlacklistEntry(name_key=namematch.core(row["name"]),
                               imported_by_id=by.id if by else None, **row)
        db.session.add(entry)
        added.append(entry)
    db.session.flush()
    audit.record("blacklist.import", user=by, ip=ip, changes={
        "file": [None, filename], "added": [None, len(added)],
        "skipped": [None, len(plan.entries) - len(added) + plan.duplicates]})
    hits = screening.screen_all(added) if added else 0
    return len(added), len(plan.entries) - len(added), hits


def entry_count() -> int:
    """How many list entries are imported (0: nothing has been screened at all)."""
    return db.session.scalar(select(func.count(BlacklistEntry.id))) or 0


def template() -> bytes:
    """A blank list sheet with the columns the importer reads, and one example row."""
    example = ["（示例）某某发展促进会", "涉嫌非法社会组织", "第一批", "民政部",
               "2026-01-15", "https://www.mca.gov.cn/", ""]
    return writer.xlsx([("非法社会组织名单", HEADERS, [example])])


def entries_query(q: str = "", list_type: str | None = None):
    stmt = select(BlacklistEntry)
    if list_type in LIST_TYPES:
        stmt = stmt.where(BlacklistEntry.list_type == list_type)
    if q:
        stmt = stmt.where(BlacklistEntry.name.contains(q, autoescape=True))
    return stmt.order_by(BlacklistEntry.id.desc())
