"""Stream the cell values of an .xlsx worksheet, lean and bounded.

openpyxl's reader supplies the workbook's shared strings, date styles and the first sheet's
XML — without ``load_workbook``, whose read-only worksheets parse a whole sheet up front when
it has no <dimension> element. The sheet itself is read with lxml's iterparse, several times
faster than openpyxl's cell parser, and nothing is kept behind: every row element is dropped
once read, and only non-empty values are yielded.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import IO, Any

from lxml import etree
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, VALUE = f"{_NS}row", f"{_NS}c", f"{_NS}v"
INLINE, TEXT, MERGE = f"{_NS}is", f"{_NS}t", f"{_NS}mergeCell"


def _column(ref: str | None, previous: int) -> int:
    """1-based column of a cell reference like 'K4'; the next column when it is missing."""
    if not ref:
        return previous + 1
    letters = ref.rstrip("0123456789")
    return column_index_from_string(letters) if letters else previous + 1


def open_first_sheet(data: bytes) -> tuple[ExcelReader, IO[bytes]]:
    """The workbook's parts (strings, styles, epoch) and the first worksheet's XML stream."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, keep_vba=False, data_only=True,
                         keep_links=False)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    for _sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in (rel.Type or ""):
            return reader, reader.archive.open(rel.target)
    raise ValueError("no worksheet")


def rows(source: IO[bytes], reader: ExcelReader, spend: Callable[[int], None],
         merged: list[str]) -> Iterator[tuple[int, dict[int, Any]]]:
    """Yield ``(row number, {0-based column: value})`` per row; collect merged refs.

    ``spend(rows, cells)`` is called for every XML row with its cell count, so the caller can
    stop a file that is mostly blank rows or empty cells.
    """
    book = reader.wb
    strings, dates = reader.shared_strings, book._date_formats
    durations, epoch = book._timedelta_formats, book.epoch
    number = 0
    for _, element in etree.iterparse(source, events=("end",), tag=(ROW, MERGE),
                                      huge_tree=False, resolve_entities=False, no_network=True):
        if element.tag == MERGE:
            merged.append(element.get("ref") or "")
            element.clear()
            continue
        number = int(element.get("r") or number + 1)
        cells: dict[int, Any] = {}
        column = 0
        count = 0
        for cell in element.iterchildren(CELL):
            count += 1
            column = _column(cell.get("r"), column)
            value = _value(cell, strings, dates, durations, epoch)
            if value is not None and not (isinstance(value, str) and not value.strip()):
                cells[column - 1] = value
        spend(1, count)
        element.clear()
        parent = element.getparent()
        while element.getprevious() is not None and parent is not None:
            del parent[0]
        yield number, cells


def _value(cell: Any, strings: Any, dates: set, durations: set, epoch: Any) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(INLINE)
        return None if inline is None else "".join(t.text or "" for t in inline.iter(TEXT))
    text = cell.findtext(VALUE)
    if not text:
        return None
    if kind == "s":
        return strings[int(text)]
    if kind in ("str", "e"):
        return text
    if kind == "b":
        return text.strip() == "1"
    if kind == "d":
        return from_ISO8601(text)
    value: Any = float(text)
    if value.is_integer() and "." not in text and "E" not in text.upper():
        value = int(text)
    style = int(cell.get("s") or 0)
    if style in dates:
        try:
            return from_excel(value, epoch, timedelta=style in durations)
        except (OverflowError, ValueError):
            return "#VALUE!"
    return value
