"""Reading 清单 sheets: .xlsx (openpyxl), old .xls (xlrd) and .csv.

Only values are read: formula cells give their cached results, macros are never run. The
format is decided by the file's content (a PDF renamed .xlsx is refused), with the limits of
``../shared/spec/lists.md``: 5 MB, 10,000 data rows, and a zip-bomb guard on .xlsx members.

Reading works to a budget, so a small hostile file cannot cost gigabytes or minutes: rows
stream in (:mod:`.xlsx_rows` for .xlsx) and are counted as they come, only the header's columns are
kept, blank rows are dropped, merged ranges are clipped to the table, and a file that makes
more than ``MAX_CELLS`` rows and cells (blank ones included) is refused. Sheets are written by
:mod:`.writer`.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import DomainError
from ..reference.regions import normalise_text
from .writer import CSV_QUOTE

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
#: Uncompressed size allowed for all members of an .xlsx (a 5 MB sheet unpacks to ~60 MB).
MAX_UNZIPPED = 150 * 1024 * 1024
MAX_RATIO = 200  # members compressed more than this are not real spreadsheets
HEADER_SCAN_ROWS = 5  # a title row above the headers is tolerated
MAX_COLUMNS = 100  # header cells further right are ignored (the lists have 12 columns)
#: Rows and cells (blank ones too) read before a file is refused: a full list of 10,000 rows
#: and 12 columns is 10,001 rows and 120,012 cells.
MAX_SCANNED_ROWS = 3 * MAX_ROWS
MAX_CELLS = 400_000
EXTENSIONS = (".xlsx", ".xls", ".csv")

_DAMAGED_XLSX = ("无法读取该 .xlsx 文件，文件可能已损坏。请在 Excel 或 WPS 中打开并另存为 .xlsx "
                 "后再上传。")
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
    known = {_key(h) for h in known_headers}
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, known)
    if data.startswith(_OLE_MAGIC):
        return _read_xls(data, known)
    if name.endswith(".csv"):
        return _read_csv(data, known)
    if name.endswith((".xlsx", ".xls")):
        raise SheetError("文件不是有效的 Excel 文件（内容与扩展名不符，可能已损坏或是其他格式"
                         "改名而来）。请在 Excel 或 WPS 中另存为 .xlsx 后再上传。")
    raise SheetError("只支持 .xlsx、.xls 和 .csv 文件。")


def _key(text: Any) -> str:
    """Header comparison key: half-width, no spaces, e.g. '资金需求(万元)'."""
    return normalise_text(text).replace(" ", "")


def header_key(text: Any) -> str:
    """Public form of the header comparison key."""
    return _key(text)


def _to_sheet(rows: Iterator[tuple[int, dict[int, Any]]], known: set[str]) -> Sheet:
    """Build the Sheet while the rows stream in: the header is the first of the first five
    non-empty rows with a known header (else the first); only the header's columns are kept;
    the row limit stops the reading."""
    head: list[tuple[int, dict[int, Any]]] = []
    for number, cells in rows:
        if not cells:
            continue
        head.append((number, cells))
        if any(_key(v) in known for v in cells.values()) or len(head) == HEADER_SCAN_ROWS:
            break
    if not head:
        raise SheetError("文件中没有数据（第一个工作表是空的）。")
    start = next((i for i, (_, cells) in enumerate(head)
                  if any(_key(v) in known for v in cells.values())), 0)
    header_row, header_cells = head[start]
    width = max((c + 1 for c in header_cells if c < MAX_COLUMNS), default=0)
    sheet = Sheet(headers=[_text(header_cells.get(c)) for c in range(width)],
                  header_row=header_row)
    for number, cells in itertools.chain(head[start + 1:], rows):
        if not cells:
            continue
        values = [None] * width
        for column, value in cells.items():
            if column < width:
                values[column] = _cell(value)
        if all(v is None for v in values):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise SheetError(f"数据超过 {MAX_ROWS:,} 行，请拆分为多个文件分批导入。")
        sheet.rows.append((number, values))
    sheet.rows.sort(key=lambda row: row[0])
    return sheet


def _fill_merged(sheet: Sheet, ranges: Iterable[tuple[int, int, int, int]]) -> None:
    """A value in merged cells belongs to every data row the range spans (its first column).

    Ranges are clipped to the table: only columns under a header and rows that hold data are
    touched, and the work is bounded by the table's size (overlapping ranges are refused).
    """
    width = len(sheet.headers)
    numbers = [number for number, _ in sheet.rows]
    budget = len(numbers) * max(width, 1)
    for min_col, min_row, _max_col, max_row in ranges:
        if min_col > width or min_row <= sheet.header_row or min_row >= max_row:
            continue
        first = bisect.bisect_left(numbers, min_row)
        if first == len(numbers) or numbers[first] != min_row:
            continue  # the top cell is on a blank row: nothing to spread
        value = sheet.rows[first][1][min_col - 1]
        last = bisect.bisect_right(numbers, max_row)
        budget -= last - first
        if budget < 0:
            raise SheetError("文件中的合并单元格过多或相互重叠，请取消合并后再上传。")
        if value is None:
            continue
        for _, values in sheet.rows[first + 1:last]:
            if values[min_col - 1] is None:
                values[min_col - 1] = value


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _cell(value: Any) -> Any:
    """Integral floats become ints (phones, counts); float noise from formulas is rounded;
    the ``'`` our CSV writer puts before formula-like text is removed again."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 9)
    if isinstance(value, str):
        value = value.strip()
        if value[:1] == CSV_QUOTE and value[1:2] and value[1] in "=+-@":
            value = value[1:]
        return value or None
    return value


class _Budget:
    """Counts the rows and cells read from the file, blank ones included; refuses a file that
    makes more than MAX_SCANNED_ROWS rows or MAX_CELLS cells."""

    def __init__(self) -> None:
        self.rows = self.cells = 0

    def spend(self, rows: int, cells: int) -> None:
        self.rows += rows
        self.cells += cells
        if self.rows > MAX_SCANNED_ROWS or self.cells > MAX_CELLS:
            raise SheetError(
                f"文件中的行或单元格过多（含空行、空单元格，超过 {MAX_SCANNED_ROWS:,} 行或 "
                f"{MAX_CELLS:,} 个单元格）。请删除表格下方和右侧多余的空行、空列，"
                "或拆分为多个文件后再上传。")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_xlsx(data: bytes, known: set[str]) -> Sheet:
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
    from openpyxl.utils.cell import range_boundaries  # openpyxl loads when a sheet is read

    from . import xlsx_rows

    budget, merged, reader = _Budget(), [], None
    try:
        reader, source = xlsx_rows.open_first_sheet(data)
        sheet = _to_sheet(xlsx_rows.rows(source, reader, budget.spend, merged), known)
    except SheetError:
        raise
    except Exception:  # openpyxl and lxml raise many kinds on damaged files
        raise SheetError(_DAMAGED_XLSX) from None
    finally:
        if reader is not None:
            reader.archive.close()
    budget.spend(0, len(merged))
    ranges = []
    for ref in merged:
        with contextlib.suppress(ValueError, TypeError):
            ranges.append(range_boundaries(ref))
    _fill_merged(sheet, ranges)
    return sheet


def _read_xls(data: bytes, known: set[str]) -> Sheet:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
        ws = book.sheet_by_index(0)
    except Exception:  # xlrd raises XLRDError, struct errors, ... on damaged files
        raise SheetError("无法读取该 .xls 文件，文件可能已损坏或加密。请另存为 .xlsx 后再上传。"
                         ) from None
    budget = _Budget()

    def rows() -> Iterator[tuple[int, dict[int, Any]]]:
        for r in range(ws.nrows):
            types, values = ws.row_types(r), ws.row_values(r)
            budget.spend(1, len(values))
            cells: dict[int, Any] = {}
            for c, (ctype, value) in enumerate(zip(types, values, strict=False)):
                if ctype == xlrd.XL_CELL_DATE:
                    with contextlib.suppress(ValueError, OverflowError):
                        value = xlrd.xldate_as_datetime(value, book.datemode)
                elif ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) or _blank(value):
                    continue
                cells[c] = value
            yield r + 1, cells

    sheet = _to_sheet(rows(), known)
    budget.spend(0, len(ws.merged_cells))
    _fill_merged(sheet, ((c0 + 1, r0 + 1, c1, r1) for r0, r1, c0, c1 in ws.merged_cells))
    return sheet


def _read_csv(data: bytes, known: set[str]) -> Sheet:
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
    budget = _Budget()

    def rows() -> Iterator[tuple[int, dict[int, Any]]]:
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            for number, row in enumerate(reader, start=1):
                budget.spend(1, len(row))
                yield number, {c: v for c, v in enumerate(row) if v and not v.isspace()}
        except csv.Error:
            raise SheetError("无法解析该 .csv 文件，请检查引号和分隔符。") from None

    return _to_sheet(rows(), known)
