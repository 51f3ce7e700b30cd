"""Reading and writing 清单 sheets: .xlsx (openpyxl), old .xls (xlrd) and .csv.

Only values are read: formula cells give their cached results, macros are never run. The
format is decided by the file's content (a PDF renamed .xlsx is refused), with the limits of
``../shared/spec/lists.md``: 5 MB, 10,000 data rows, and a zip-bomb guard on .xlsx members.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser

from ..errors import DomainError
from ..reference.regions import normalise_text

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
#: Uncompressed size allowed for all members of an .xlsx (a 5 MB sheet unpacks to ~60 MB).
MAX_UNZIPPED = 150 * 1024 * 1024
MAX_RATIO = 200  # members compressed more than this are not real spreadsheets
HEADER_SCAN_ROWS = 5  # a title row above the headers is tolerated
EXTENSIONS = (".xlsx", ".xls", ".csv")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class SheetError(DomainError):
    """The file as a whole cannot be read (format, size, headers)."""


@dataclass
class Sheet:
    """The first worksheet: header texts and the non-empty data rows under them."""

    headers: list[str]
    #: (row number as Excel shows it, values aligned with ``headers``)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    header_row: int = 1


def read_sheet(data: bytes, filename: str,
               known_headers: Iterable[str] = ()) -> Sheet:
    """Read the first worksheet of ``data``; raise SheetError with a Chinese message.

    ``known_headers`` lets a header row sit below a title row (within the first five rows).
    """
    if not data:
        raise SheetError("文件为空。")
    if len(data) > MAX_BYTES:
        raise SheetError(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），请控制在 5 MB 以内。")
    name = (filename or "").lower()
    if data.startswith(_ZIP_MAGIC):
        rows = _xlsx_rows(data)
    elif data.startswith(_OLE_MAGIC):
        rows = _xls_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    elif name.endswith((".xlsx", ".xls")):
        raise SheetError("文件不是有效的 Excel 文件（内容与扩展名不符，可能已损坏或是其他格式"
                         "改名而来）。请在 Excel 或 WPS 中另存为 .xlsx 后再上传。")
    else:
        raise SheetError("只支持 .xlsx、.xls 和 .csv 文件。")
    return _to_sheet(rows, {_key(h) for h in known_headers})


def _key(text: Any) -> str:
    """Header comparison key: half-width, no spaces, e.g. '资金需求(万元)'."""
    return normalise_text(text).replace(" ", "")


def header_key(text: Any) -> str:
    """Public form of the header comparison key."""
    return _key(text)


def _to_sheet(rows: Iterator[tuple[int, list[Any]]], known: set[str]) -> Sheet:
    filled = [(n, v) for n, v in rows if any(x not in (None, "") for x in v)]
    if not filled:
        raise SheetError("文件中没有数据（第一个工作表是空的）。")
    start = 0
    for i, (_, values) in enumerate(filled[:HEADER_SCAN_ROWS]):
        if any(_key(v) in known for v in values):
            start = i
            break
    header_row, header_values = filled[start]
    width = max((i + 1 for i, v in enumerate(header_values) if v not in (None, "")), default=0)
    sheet = Sheet(headers=[_text(v) for v in header_values[:width]], header_row=header_row)
    for number, values in filled[start + 1:]:
        values = [_cell(v) for v in values[:width]]
        if not any(v not in (None, "") for v in values):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise SheetError(f"数据超过 {MAX_ROWS:,} 行，请拆分为多个文件分批导入。")
        sheet.rows.append((number, values + [None] * (width - len(values))))
    return sheet


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _cell(value: Any) -> Any:
    """Integral floats become ints (phones, counts); float noise from formulas is rounded."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 9)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetError("文件不是有效的 .xlsx 文件（压缩包已损坏）。") from None
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED or any(
        m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        raise SheetError("文件解压后过大，疑似压缩炸弹，已拒绝。")
    if "xl/workbook.xml" not in archive.namelist():
        raise SheetError("文件不是有效的 .xlsx 文件（缺少工作簿内容）。")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                 keep_vba=False, keep_links=False)
        sheet = workbook.worksheets[0]
        source = sheet._get_source()
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True,
                                 epoch=workbook.epoch, date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        grid: dict[int, list[Any]] = {}
        for number, cells in parser.parse():
            values: list[Any] = []
            for cell in cells:
                column = cell["column"]
                values.extend([None] * (column - 1 - len(values)))
                values.append(cell["value"])
            grid[number] = values
        source.close()
        merged = [m.ref for m in parser.merged_cells.mergeCell] if parser.merged_cells else []
        workbook.close()
    except SheetError:
        raise
    except Exception:  # openpyxl raises many kinds on damaged files
        raise SheetError("无法读取该 .xlsx 文件，文件可能已损坏。请在 Excel 或 WPS 中打开并"
                         "另存为 .xlsx 后再上传。") from None
    _fill_merged(grid, merged)
    return iter(sorted(grid.items()))


def _fill_merged(grid: dict[int, list[Any]], refs: list[str]) -> None:
    """A value in merged cells belongs to every row the range spans (its first column)."""
    for ref in refs:
        try:
            min_col, min_row, _max_col, max_row = range_boundaries(ref)
        except ValueError:
            continue
        top = grid.get(min_row, [])
        value = top[min_col - 1] if len(top) >= min_col else None
        for number in range(min_row + 1, min(max_row, min_row + MAX_ROWS + 10) + 1):
            row = grid.setdefault(number, [])
            row.extend([None] * (min_col - len(row)))
            if row[min_col - 1] in (None, ""):
                row[min_col - 1] = value


def _xls_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception:  # xlrd raises XLRDError, struct errors, ... on damaged files
        raise SheetError("无法读取该 .xls 文件，文件可能已损坏或加密。请另存为 .xlsx 后再上传。"
                         ) from None
    if sheet.nrows > MAX_ROWS + HEADER_SCAN_ROWS + 1:
        raise SheetError(f"数据超过 {MAX_ROWS:,} 行，请拆分为多个文件分批导入。")
    grid: dict[int, list[Any]] = {}
    for r in range(sheet.nrows):
        values = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    values.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                except (ValueError, OverflowError):
                    values.append(cell.value)
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                values.append(None)
            else:
                values.append(cell.value)
        grid[r + 1] = values
    refs = [f"{_col(c0 + 1)}{r0 + 1}:{_col(c1)}{r1}" for r0, r1, c0, c1 in sheet.merged_cells]
    _fill_merged(grid, refs)
    return iter(sorted(grid.items()))


def _col(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    if b"\x00" in data[:4096]:
        raise SheetError("文件不是文本格式的 .csv 文件。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise SheetError("无法识别 .csv 文件的编码，请使用 UTF-8 或 GB18030（GBK）。")
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        return iter([(i, list(row)) for i, row in enumerate(reader, start=1)])
    except csv.Error:
        raise SheetError("无法解析该 .csv 文件，请检查引号和分隔符。") from None


def write_xlsx(sheets: list[tuple[str, list[str], Iterable[list[Any]]]],
               *, text_columns: Iterable[str] = ()) -> bytes:
    """Write ``[(title, headers, rows), ...]`` as .xlsx bytes (write-only, streaming).

    Dates get a yyyy-mm-dd format; columns named in ``text_columns`` are stored as text so
    Excel keeps phone numbers and codes as typed.
    """
    workbook = Workbook(write_only=True)
    text_set = set(text_columns)
    for title, headers, rows in sheets:
        ws = workbook.create_sheet(title)
        ws.append(headers)
        text_idx = {i for i, h in enumerate(headers) if h in text_set}
        for row in rows:
            ws.append([_out(ws, v, i in text_idx) for i, v in enumerate(row)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _out(ws: Any, value: Any, as_text: bool) -> Any:
    if value is None:
        return None
    if as_text:
        value = str(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"  # text that looks like a formula stays text
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value
