"""Reading and writing sheets: formats, limits, formulas, merged cells, encodings."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import date, datetime

import pytest
import xlwt
from openpyxl import Workbook, load_workbook

from matchmaker.services.sheets import workbooks
from matchmaker.services.sheets.workbooks import SheetError, read_sheet
from matchmaker.services.sheets.writer import write_xlsx
from tests.sheet_helpers import NEED_HEADERS, need_row, xlsx

KNOWN = NEED_HEADERS


def test_reads_headers_in_any_order_and_keeps_excel_row_numbers():
    headers = ["受援地区", "项目名称", "受益人数", "备注"]
    data = xlsx([["江孜县", "项目甲", None, "备注"], [None, None, None, None],
                 ["拉孜县", "项目乙", 3, None]], headers=headers)
    sheet = read_sheet(data, "a.xlsx", KNOWN)
    assert sheet.headers == ["受援地区", "项目名称", "受益人数", "备注"]
    assert [n for n, _ in sheet.rows] == [2, 4]  # the blank row is skipped, numbers kept
    assert sheet.rows[1][1] == ["拉孜县", "项目乙", 3, None]


def test_empty_file_is_refused():
    with pytest.raises(SheetError, match="文件为空"):
        read_sheet(b"", "a.xlsx", KNOWN)


def test_workbook_without_rows_is_refused():
    out = io.BytesIO()
    Workbook().save(out)
    with pytest.raises(SheetError, match="没有数据"):
        read_sheet(out.getvalue(), "a.xlsx", KNOWN)


def test_pdf_renamed_xlsx_is_refused():
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
    with pytest.raises(SheetError, match="不是有效的 Excel"):
        read_sheet(pdf, "清单.xlsx", KNOWN)


def test_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(SheetError, match="缺少工作簿"):
        read_sheet(out.getvalue(), "a.xlsx", KNOWN)


def test_damaged_xlsx_is_refused():
    data = xlsx([need_row()])
    with pytest.raises(SheetError, match="已损坏"):
        read_sheet(data[: len(data) // 2], "a.xlsx", KNOWN)


def test_zip_bomb_is_refused_before_parsing():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    assert len(out.getvalue()) < 64 * 1024
    with pytest.raises(SheetError, match="压缩炸弹"):
        read_sheet(out.getvalue(), "a.xlsx", KNOWN)


def test_file_over_5_mb_is_refused():
    with pytest.raises(SheetError, match="5 MB"):
        read_sheet(b"a" * (workbooks.MAX_BYTES + 1), "a.csv", KNOWN)


def test_more_than_10000_rows_is_refused():
    text = ",".join(NEED_HEADERS) + "\n" + "项目,学前教育,江孜县,1\n" * (workbooks.MAX_ROWS + 1)
    with pytest.raises(SheetError, match="超过 10,000 行"):
        read_sheet(text.encode(), "a.csv", KNOWN)


def test_exactly_10000_rows_is_accepted():
    text = ",".join(NEED_HEADERS) + "\n" + "项目,学前教育,江孜县,1\n" * workbooks.MAX_ROWS
    assert len(read_sheet(text.encode(), "a.csv", KNOWN).rows) == workbooks.MAX_ROWS


def _with_cached_value(data: bytes, cell: str, cached: str) -> bytes:
    """openpyxl writes formulas without results; add one as Excel would have saved it."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rf'(<c r="{cell}"[^>]*><f>[^<]*</f>)<v\s*/?>(</v>)?'.encode(),
                              rb"\1<v>" + cached.encode() + rb"</v>", body)
            dst.writestr(item, body)
    return out.getvalue()


def test_formula_cells_give_their_cached_values():
    data = xlsx([need_row(**{"资金需求（万元）": "=10+2.5"})])
    data = _with_cached_value(data, "D2", "12.5")
    sheet = read_sheet(data, "a.xlsx", KNOWN)
    assert sheet.rows[0][1][3] == 12.5


def test_formula_float_noise_is_rounded():
    data = _with_cached_value(xlsx([need_row(**{"资金需求（万元）": "=0.1+0.2"})]), "D2",
                              "0.30000000000000004")
    assert read_sheet(data, "a.xlsx", KNOWN).rows[0][1][3] == 0.3


def test_merged_cells_give_their_value_to_every_row_they_span():
    rows = [need_row("甲"), need_row("乙", 领域=None), need_row("丙", 领域=None)]
    sheet = read_sheet(xlsx(rows, merge="B2:B4"), "a.xlsx", KNOWN)
    assert [values[1] for _, values in sheet.rows] == ["学前教育"] * 3


def test_a_title_row_above_the_headers_is_tolerated():
    workbook = Workbook()
    ws = workbook.active
    ws.append(["2027 年项目需求清单"])
    ws.merge_cells("A1:J1")
    ws.append(NEED_HEADERS)
    ws.append(need_row())
    out = io.BytesIO()
    workbook.save(out)
    sheet = read_sheet(out.getvalue(), "a.xlsx", KNOWN)
    assert sheet.headers == NEED_HEADERS and sheet.header_row == 2
    assert [n for n, _ in sheet.rows] == [3]


def test_dates_come_back_as_dates_and_phones_as_whole_numbers():
    data = xlsx([need_row(开始日期=datetime(2027, 3, 1), 联系电话=13812345678)])
    values = read_sheet(data, "a.xlsx", KNOWN).rows[0][1]
    assert values[6] == datetime(2027, 3, 1)
    assert values[9] == 13812345678


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_gb18030(encoding):
    text = "项目名称,领域,受援地区,资金需求（万元）\r\n江孜县幼儿园,学前教育,江孜县,\"1,200\"\r\n"
    sheet = read_sheet(text.encode(encoding), "清单.csv", KNOWN)
    assert sheet.headers[0] == "项目名称"
    assert sheet.rows[0][1] == ["江孜县幼儿园", "学前教育", "江孜县", "1,200"]


def test_binary_file_named_csv_is_refused():
    with pytest.raises(SheetError):
        read_sheet(b"\x00\x01\x02" * 100, "a.csv", KNOWN)


def test_unknown_extension_is_refused():
    with pytest.raises(SheetError, match="只支持"):
        read_sheet(b"hello", "a.txt", KNOWN)


def _xls(rows, merge=None) -> bytes:
    book = xlwt.Workbook()
    ws = book.add_sheet("需求")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if merge and (r, c) != merge[:2] and merge[0] <= r <= merge[1] and c == merge[2]:
                continue
            if isinstance(value, date):
                ws.write(r, c, value, date_style)
            elif value is not None:
                ws.write(r, c, value)
    if merge:
        top, bottom, col = merge
        ws.merge(top, bottom, col, col, xlwt.easyxf(""))
        ws.write(top, col, rows[top][col])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_old_xls_is_read_with_dates_and_merged_cells():
    rows = [NEED_HEADERS, need_row("甲", 开始日期=date(2027, 3, 1)), need_row("乙", 领域=None)]
    sheet = read_sheet(_xls(rows, merge=(1, 2, 1)), "旧清单.xls", KNOWN)
    assert sheet.headers == NEED_HEADERS
    first, second = sheet.rows[0][1], sheet.rows[1][1]
    assert first[6] == datetime(2027, 3, 1)
    assert first[3] == 12.5 and first[4] == 300
    assert second[1] == "学前教育"


def test_damaged_xls_is_refused():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    with pytest.raises(SheetError, match=r"\.xls"):
        read_sheet(data, "a.xls", KNOWN)


def test_write_xlsx_keeps_formula_like_text_as_text_and_formats_dates():
    data = write_xlsx([("表", ["项目名称", "开始日期", "联系电话"],
                        [["=HYPERLINK(\"http://x\")", date(2027, 3, 1), "013812345678"]])],
                      text_columns=["联系电话"])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("=HYPERLINK")
    assert ws["B2"].value == datetime(2027, 3, 1) and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["C2"].value == "013812345678"


# --- Hostile files: parsing works to a budget (security finding "5 KB upload, gigabytes") ---

def _patched(data: bytes, rows: str = "", merges: list[str] = (), tail: str = "") -> bytes:
    """Add raw rows (after the existing ones), merged ranges and text after </sheetData>."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    block = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    block = f'<mergeCells count="{len(merges)}">{block}</mergeCells>' if merges else ""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.decode().replace("</sheetData>",
                                             rows + "</sheetData>" + block + tail).encode()
            dst.writestr(item.filename, body)
    return out.getvalue()


def _inline(ref: str, text: str = "x") -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


#: CPU seconds within which a bounded reader handles each hostile file below (it needs
#: ~0.1 s; reading what the file claims would take minutes).
CPU_BOUND = 2.0


def _timed(data: bytes, name: str):
    """The result and the CPU seconds this process spent reading: a guard against work that
    grows with a hostile file's claimed size (a blow-up takes minutes), not a speed target
    (those live in bench/hostile_sheets.py). CPU time, so a loaded machine does not fail it."""
    started = time.process_time()
    try:
        return read_sheet(data, name, KNOWN), time.process_time() - started
    except SheetError as exc:
        return exc, time.process_time() - started


def test_merged_ranges_to_column_xfd_are_clipped_to_the_header():
    cells = "".join(_inline(f"{c}3") for c in ("XFB", "XFC", "XFD"))
    data = _patched(xlsx([need_row()]), f'<row r="3">{cells}</row>',
                    [f"{c}3:{c}20002" for c in ("XFB", "XFC", "XFD")])
    sheet, seconds = _timed(data, "a.xlsx")
    assert seconds < CPU_BOUND
    assert sheet.headers == NEED_HEADERS and len(sheet.rows) == 1
    assert all(len(values) == len(NEED_HEADERS) for _, values in sheet.rows)


def test_thousands_of_merged_ranges_to_row_1048576_are_cheap():
    data = _patched(xlsx([need_row("甲"), need_row("乙")]), f'<row r="4">{_inline("K4")}</row>',
                    ["K3:K1048576"] * 3000)
    sheet, seconds = _timed(data, "a.xlsx")
    assert seconds < CPU_BOUND
    assert [n for n, _ in sheet.rows] == [2, 3]
    assert all(len(values) == len(NEED_HEADERS) for _, values in sheet.rows)


def test_overlapping_merged_ranges_inside_the_table_are_refused_quickly():
    data = _patched(xlsx([need_row("甲"), need_row("乙", 领域=None)]),
                    merges=["B2:B1048576"] * 3000)
    error, seconds = _timed(data, "a.xlsx")
    assert seconds < CPU_BOUND
    assert isinstance(error, SheetError) and "合并单元格" in error.message


def test_merged_ranges_in_old_xls_are_bounded():
    book = xlwt.Workbook()
    ws = book.add_sheet("需求")
    for c, header in enumerate(NEED_HEADERS):
        ws.write(0, c, header)
    for c, value in enumerate(need_row()):
        ws.write(1, c, value)
    ranges = ws._Worksheet__merged_ranges  # xlwt's merge() writes blanks and refuses overlaps
    ranges += [(1, 9990, i % 10, i % 10) for i in range(2000)]
    out = io.BytesIO()
    book.save(out)
    error, seconds = _timed(out.getvalue(), "a.xls")
    assert seconds < 2 * CPU_BOUND
    assert isinstance(error, SheetError)


def test_csv_of_newlines_is_refused_quickly():
    data = (",".join(NEED_HEADERS) + "\n").encode() + b"\n" * 200_000
    error, seconds = _timed(data, "a.csv")
    assert seconds < CPU_BOUND
    assert isinstance(error, SheetError) and "空行" in error.message


def test_blank_rows_below_the_list_are_not_materialised():
    blank = "".join(f'<row r="{n}" customHeight="1" ht="15"><c r="A{n}" s="0"/></row>'
                    for n in range(10, 15_000))
    sheet, seconds = _timed(_patched(xlsx([need_row()]), blank), "a.xlsx")
    assert seconds < 2 * CPU_BOUND
    assert [n for n, _ in sheet.rows] == [2]


def test_a_sheet_over_the_row_limit_is_refused_before_the_rest_is_read():
    # Past the limit the file is broken: reading it to the end would give another message.
    rows = "项目,学前教育,江孜县,1\n" * (workbooks.MAX_ROWS + 1)
    csv_text = ",".join(NEED_HEADERS) + "\n" + rows + '"' + "x" * 200_000 + "\n"
    with pytest.raises(SheetError, match="超过 10,000 行"):
        read_sheet(csv_text.encode(), "a.csv", KNOWN)
    rows = "".join(f'<row r="{n}">{_inline(f"A{n}")}</row>' for n in range(3, 10_003))
    data = _patched(xlsx([need_row()]), rows, tail="<broken")
    error, seconds = _timed(data, "a.xlsx")
    assert isinstance(error, SheetError) and "超过 10,000 行" in error.message
    assert seconds < 4 * CPU_BOUND


def test_a_header_cell_far_to_the_right_does_not_widen_the_table():
    data = _patched(xlsx([need_row()]), f'<row r="3">{_inline("A3", "乙")}{_inline("XFD3")}</row>')
    workbook = Workbook()
    ws = workbook.active
    ws.append(NEED_HEADERS)
    ws.cell(1, 16384, "备注")
    ws.append(need_row())
    out = io.BytesIO()
    workbook.save(out)
    sheet = read_sheet(out.getvalue(), "a.xlsx", KNOWN)
    assert sheet.headers == NEED_HEADERS and len(sheet.rows[0][1]) == len(NEED_HEADERS)
    assert len(read_sheet(data, "a.xlsx", KNOWN).rows[1][1]) == len(NEED_HEADERS)
