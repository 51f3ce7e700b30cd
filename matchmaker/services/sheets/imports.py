"""Importing 需求清单 / 供给清单 sheets: header mapping, every row checked, all-or-nothing save.

Duplicates (``../shared/spec/lists.md``): a need is the same as an existing one when the
organisation, 项目名称 and 受援地区 agree. An offer is the same when the organisation and
项目名称 agree — its 意向受援地区 are optional and several, and a supporter who widens or narrows
them means to change the offer, not to post a second one. A matching item without a live match
is updated; one with a live match is left unchanged and reported as a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import LIVE_STATUSES, Match, Need, Offer, Organisation, User
from ..errors import DomainError
from ..lists import needs, offers, rules
from ..lists.rules import SectorIndex
from ..money import wan_text
from ..platform import audit
from ..reference.regions import RegionIndex, normalise_text
from .workbooks import Sheet, header_key

KINDS = ("needs", "offers")
ORG_HEADER = "提交单位"
EXAMPLE_MARK = "【示例】"
_COMMON = {"项目简介": "description", "开始日期": "start_date", "结束日期": "end_date",
           "联系人": "contact_name", "联系电话": "contact_phone"}
#: Sheet header -> raw key of the service's ``clean()``, in the order exports write them.
HEADERS = {
    "needs": {"项目名称": "title", "领域": "sector", "受援地区": "region",
              "资金需求（万元）": "budget_wan", "受益人数": "beneficiaries", **_COMMON},
    "offers": {"项目名称": "title", "领域": "sectors", "可投入资金（万元）": "budget_wan",
               "意向受援地区": "target_regions", **_COMMON},
}
REQUIRED = {"needs": ("项目名称", "领域", "受援地区", "资金需求（万元）"),
            "offers": ("项目名称", "领域", "可投入资金（万元）")}
LABELS = {"needs": "项目需求", "offers": "项目供给"}
ACTIONS = {"create": "新增", "update": "更新", "unchanged": "无变化",
           "duplicate": "重复（已对接，未改动）"}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Row:
    number: int
    values: list[Any]
    errors: list[RowError] = field(default_factory=list)
    action: str = ""
    data: Any = None
    org: Organisation | None = None
    existing_id: int | None = None


@dataclass
class Plan:
    """What an import would do: every row with its errors and its action."""

    kind: str
    headers: list[str]
    status: str = "published"
    ignored: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        return [e for row in self.rows for e in row.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors and bool(self.rows)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            if row.action:
                out[row.action] += 1
        return out


def _existing(model, org_ids: set[int]) -> tuple[dict[tuple, tuple[int, int]], set[int]]:
    """Keys of the organisations' items (-> id, committed) and the ids with a live match."""
    if not org_ids:
        return {}, set()
    cols = [model.id, model.committed_yuan, model.organisation_id, model.title]
    if model is Need:
        cols.append(Need.region_code)
    keys: dict[tuple, tuple[int, int]] = {}
    for item_id, committed, *key in db.session.execute(
            select(*cols).where(model.organisation_id.in_(org_ids)).order_by(model.id)):
        keys.setdefault(tuple(key), (item_id, committed))
    column = Match.need_id if model is Need else Match.offer_id
    live = set(db.session.scalars(select(column).where(Match.status.in_(LIVE_STATUSES))))
    return keys, live


def _org_error(org: Organisation, status: str) -> str | None:
    if org.status == "suspended":
        return f"单位“{org.name}”已暂停，不能导入。"
    if status == "published" and org.status != "verified":
        return f"单位“{org.name}”尚未通过审核，只能导入为草稿。"
    return None


Progress = Callable[[int], None] | None  # called with the number of rows done so far


def check(kind: str, sheet: Sheet, *, org: Organisation | None, draft: bool = False,
          progress: Progress = None) -> Plan:
    """Validate every row of ``sheet``; nothing is written (``progress(rows_done)``).

    With ``org`` every row belongs to it (the 提交单位 column is ignored); without it the
    提交单位 column names an existing organisation for each row.
    """
    mapping = {header_key(h): h for h in HEADERS[kind]}
    if org is None:
        mapping[header_key(ORG_HEADER)] = ORG_HEADER
    plan = Plan(kind=kind, headers=sheet.headers, status="draft" if draft else "published")
    columns: dict[str, int] = {}
    for index, text in enumerate(sheet.headers):
        header = mapping.get(header_key(text))
        if header is None:
            if text:
                plan.ignored.append(text)
        elif header in columns:
            plan.file_errors.append(f"列“{header}”出现了不止一次。")
        else:
            columns[header] = index
    required = REQUIRED[kind] + ((ORG_HEADER,) if org is None else ())
    missing = [h for h in required if h not in columns]
    if missing:
        plan.file_errors.append(f"缺少必填列：{'、'.join(missing)}。请使用导入模板中的列名（第一行）。")
    if not sheet.rows:
        plan.file_errors.append("文件只有表头，没有数据行。")
    if plan.file_errors:
        return plan
    if org is not None and (message := _org_error(org, plan.status)):
        plan.file_errors.append(message)
        return plan
    _check_rows(plan, sheet, columns, org, progress)
    _mark_unchanged(plan)
    return plan


def _load(model, ids: list[int]) -> dict[int, Any]:
    """Items by id, in chunks (SQLite limits bound parameters)."""
    items: dict[int, Any] = {}
    for start in range(0, len(ids), 500):
        stmt = select(model).where(model.id.in_(ids[start:start + 500]))
        if model is Offer:
            stmt = stmt.options(selectinload(Offer.sectors), selectinload(Offer.target_regions))
        items.update({i.id: i for i in db.session.scalars(stmt)})
    return items


def _mark_unchanged(plan: Plan) -> None:
    """An update whose cleaned values equal the existing item's (and needs no publishing)
    changes nothing: say so in the preview and skip it when saving."""
    rows = [r for r in plan.rows if r.action == "update" and not r.errors]
    if not rows or plan.errors:
        return
    service, model = (needs, Need) if plan.kind == "needs" else (offers, Offer)
    items = _load(model, [r.existing_id for r in rows])
    regions, sectors = RegionIndex(), SectorIndex()
    for row in rows:
        item = items[row.existing_id]
        if plan.status == "published" and item.status == "draft":
            continue
        raw = service.as_raw(item)
        current, _ = (needs.clean(raw, row.org, regions, sectors) if plan.kind == "needs"
                      else offers.clean(raw, regions, sectors))
        if current is not None and _same(current, row.data):
            row.action = "unchanged"


def _same(a: Any, b: Any) -> bool:
    """Equal values; several sectors or regions compare as sets."""
    left, right = asdict(a), asdict(b)
    for key, value in left.items():
        if isinstance(value, tuple):
            left[key], right[key] = sorted(value), sorted(right[key])
    return left == right


def _check_rows(plan: Plan, sheet: Sheet, columns: dict[str, int],
                org: Organisation | None, progress: Progress = None) -> None:
    kind, model = plan.kind, (Need if plan.kind == "needs" else Offer)
    regions, sectors = RegionIndex(), SectorIndex()
    header_of = {raw: header for header, raw in HEADERS[kind].items()}
    orgs: dict[str, Organisation] = {}
    if org is None:
        orgs = {normalise_text(o.name): o for o in db.session.scalars(select(Organisation))}
        named = {normalise_text(values[columns[ORG_HEADER]]) for _, values in sheet.rows}
        orgs = {name: o for name, o in orgs.items() if name in named}
    keys, live = _existing(model, {org.id} if org else {o.id for o in orgs.values()})
    seen: dict[tuple, int] = {}
    for number, values in sheet.rows:
        if progress is not None:
            progress(len(plan.rows))
        row = Row(number=number, values=values)
        plan.rows.append(row)
        raw = {HEADERS[kind][h]: values[i] for h, i in columns.items() if h != ORG_HEADER}

        def err(column: str, message: str, row: Row = row) -> None:
            row.errors.append(RowError(row.number, column, message))

        row.org = org or _row_org(values[columns[ORG_HEADER]], orgs, plan.status, err)
        if normalise_text(raw.get("title")).startswith(EXAMPLE_MARK):
            err("项目名称", "这是模板中的示例行，请删除后再导入。")
        if kind == "needs":
            owner = row.org or SimpleNamespace(region_code=regions.resolve(
                str(raw.get("region") or "")).code)
            data, errors = needs.clean(raw, owner, regions, sectors)
        else:
            data, errors = offers.clean(raw, regions, sectors)
        for raw_key, messages in errors.items():
            for message in messages:
                err(header_of.get(raw_key, raw_key), message)
        if data is None or row.org is None:
            continue
        row.data = data
        key = (row.org.id, data.title) + ((data.region_code,) if kind == "needs" else ())
        if key in seen:
            what = "单位、项目名称和受援地区" if kind == "needs" else "单位和项目名称"
            err("项目名称", f"与第 {seen[key]} 行重复（{what}相同）。")
            continue
        seen[key] = number
        if key not in keys:
            row.action = "create"
            continue
        row.existing_id, committed = keys[key]
        if row.existing_id in live:
            row.action = "duplicate"
        elif data.budget_yuan < committed:
            err(next(h for h, r in HEADERS[kind].items() if r == "budget_wan"),
                f"金额不能少于已落实的 {wan_text(committed)} 万元。")
        else:
            row.action = "update"


def _row_org(value: Any, orgs: dict[str, Organisation], status: str, err) -> Organisation | None:
    name = normalise_text(value)
    if not name:
        err(ORG_HEADER, "提交单位必填。")
        return None
    found = orgs.get(name)
    if found is None:
        err(ORG_HEADER, f"单位“{name}”不存在。导入不会新建单位，请先由管理员创建。")
        return None
    message = _org_error(found, status)
    if message:
        err(ORG_HEADER, message)
        return None
    return found


def save(plan: Plan, *, by: User | None, ip: str | None = None, filename: str = "",
         progress: Progress = None) -> dict[str, int]:
    """Save every row of a valid plan (flush, no commit); raise DomainError otherwise.

    Runs in a savepoint: a failure part-way leaves nothing behind even if the caller commits.
    """
    if not plan.ok:
        raise DomainError("导入文件有错误，未保存任何数据。")
    service, model = (needs, Need) if plan.kind == "needs" else (offers, Offer)
    items = _load(model, [row.existing_id for row in plan.rows if row.action == "update"])
    counts = plan.counts()
    with db.session.begin_nested():
        for done, row in enumerate(plan.rows):
            if progress is not None:
                progress(done)
            if row.action == "create":
                service.create(row.org, row.data, by=by, status=plan.status, ip=ip)
            elif row.action == "update":
                item = items[row.existing_id]
                service.update(item, row.data, by=by, ip=ip)
                if plan.status == "published" and item.status == "draft":
                    rules.set_status(item, "published", by=by, ip=ip)
        audit.record(f"{plan.kind[:-1]}.import", user=by, ip=ip,
                     changes={"file": filename, "rows": len(plan.rows), "status": plan.status,
                              **counts})
        db.session.flush()
    return counts


def record_rejected(plan: Plan, *, by: User | None, ip: str | None = None,
                    filename: str = "") -> None:
    """Audit an import that was refused because of errors (nothing saved)."""
    audit.record(f"{plan.kind[:-1]}.import", user=by, ip=ip, result="failure",
                 changes={"file": filename, "rows": len(plan.rows),
                          "errors": len(plan.errors) + len(plan.file_errors)})


def summary(counts: dict[str, int]) -> str:
    """'新增 3 行，更新 1 行，…' for flashes and the CLI."""
    return "，".join(f"{ACTIONS[k].split('（')[0]} {n} 行" for k, n in counts.items())
