"""The one writer for every sheet and CSV the platform hands out.

Text that a spreadsheet would run as a formula (it begins with ``= + - @``, a tab or a CR) is
stored inert: in .xlsx as a string cell with the quote prefix (Excel shows the text and does
not turn it into a formula when the cell is edited); in .csv with a leading ``'`` (the OWASP
practice), which :func:`matchmaker.services.sheets.workbooks.read_sheet` removes again so an
exported sheet imports back unchanged. Numbers, dates and empty cells are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl loads when a workbook is written, not with every command
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

#: First characters that make a spreadsheet evaluate a cell (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_QUOTE = "'"


@dataclass
class Table:
    """One worksheet: a header row and data rows, with optional presentation."""

    name: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    #: headers whose cells are stored as text (phone numbers, codes keep their zeros)
    text_columns: Iterable[str] = ()
    freeze: str | None = None
    widths: Sequence[float] = ()
    validations: list[DataValidation] = field(default_factory=list)
    hidden: bool = False


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet would evaluate (it begins with = + - @, tab or CR)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _tables(sheets: Iterable[Table | tuple]) -> list[Table]:
    return [s if isinstance(s, Table) else Table(*s) for s in sheets]


def xlsx(sheets: Iterable[Table | tuple[str, Sequence[Any], Iterable[Sequence[Any]]]]) -> bytes:
    """Write the tables (or ``(name, headers, rows)`` tuples) as .xlsx bytes, streaming.

    Dates get a yyyy-mm-dd format; formula-like text stays text.
    """
    out = io.BytesIO()
    _workbook(sheets).save(out)
    return out.getvalue()


def _workbook(sheets) -> Workbook:
    """A write-only workbook with the tables appended (openpyxl keeps the rows in temporary
    files until it is saved, not in memory)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for table in _tables(sheets):
        ws = workbook.create_sheet(table.name[:31])
        for index, width in enumerate(table.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        for validation in table.validations:
            ws.data_validations.append(validation)
        if table.freeze:
            ws.freeze_panes = table.freeze
        if table.hidden:
            ws.sheet_state = "hidden"
        text_set = set(table.text_columns)
        ws.append([_xlsx_cell(ws, h, False) for h in table.headers])
        text_idx = {i for i, h in enumerate(table.headers) if h in text_set}
        for row in table.rows:
            ws.append([_xlsx_cell(ws, v, i in text_idx) for i, v in enumerate(row)])
    return workbook


def write_xlsx(sheets: list[tuple[str, list[str], Iterable[list[Any]]]],
               *, text_columns: Iterable[str] = ()) -> bytes:
    """``[(title, headers, rows), ...]`` as .xlsx; ``text_columns`` apply to every sheet."""
    columns = tuple(text_columns)
    return xlsx([Table(title, headers, rows, text_columns=columns)
                 for title, headers, rows in sheets])


def _xlsx_cell(ws: Any, value: Any, as_text: bool) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if as_text and not isinstance(value, str):
        value = str(value)
    if isinstance(value, datetime):
        value = value.date()
    if is_formula_like(value):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
        cell.quotePrefix = True
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def csv_value(value: Any) -> Any:
    """A value for a CSV cell: formula-like text gets a leading ``'``; others unchanged."""
    if is_formula_like(value):
        return CSV_QUOTE + value
    return value


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """The rows as CSV text (``\\r\\n`` line ends, as Excel writes), every cell made inert."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return out.getvalue()


def csv_bytes(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    """The rows as UTF-8 CSV bytes; with a BOM by default so Excel reads the Chinese text."""
    return (("\ufeff" if bom else "") + csv_text(rows)).encode("utf-8")


def save(path: Path, table: Table) -> None:
    """Write one table to ``path``: .csv (UTF-8 with BOM) or else .xlsx."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        path.write_bytes(csv_bytes([table.headers, *table.rows]))
    else:
        path.write_bytes(xlsx([table]))
