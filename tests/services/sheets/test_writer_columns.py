"""Column sheets: the .csv is byte for byte what the row writer writes, the .xlsx reads back
in openpyxl with the same rows, types and inert formula-like text."""

from __future__ import annotations

import csv
import zipfile

import numpy as np
import pytest
from openpyxl import load_workbook

from matchmaker.services.sheets import writer
from matchmaker.services.sheets.writer_columns import (
    XLSX_MAX_ROWS,
    Coded,
    ColumnTable,
    column_letter,
    save_columns,
)

HEADERS = ["编号", "名称", "甲", "乙", "备注"]
NAMES = ["普通", "a,b", 'say "hi"', "两行\n文字", "回车\r", "=1+1", "+1", "-1", "@x", "\tx",
         "", "{0}{1}", "<&>", " 前后空格 "]
NOTES = [None, 2.5, -7, "理由：一致", "=HYPERLINK(\"x\")"]


def _table(n: int = 60) -> ColumnTable:
    rng = np.random.default_rng(3)
    item = rng.integers(0, len(NAMES), n)
    return ColumnTable("推荐", HEADERS, [
        Coded(item, list(range(100, 100 + len(NAMES)))), Coded(item, NAMES),
        rng.integers(0, 101, (n, 2)), Coded(rng.integers(0, len(NOTES), n), NOTES)])


def _rows(table: ColumnTable) -> list[list]:
    ids, names, numbers, notes = table.columns
    return [[ids.values[i], names.values[i], *pair, notes.values[k]]
            for i, pair, k in zip(ids.codes.tolist(), numbers.tolist(), notes.codes.tolist(),
                                  strict=True)]


def test_csv_is_what_the_row_writer_writes(tmp_path):
    table = _table()
    save_columns(tmp_path / "columns.csv", table)
    assert (tmp_path / "columns.csv").read_bytes() == writer.csv_bytes([HEADERS, *_rows(table)])


def test_csv_of_many_blocks(tmp_path, monkeypatch):
    from matchmaker.services.sheets import writer_columns

    monkeypatch.setattr(writer_columns, "BLOCK", 7)  # rows are joined block by block
    table = _table(50)
    save_columns(tmp_path / "columns.csv", table)
    assert (tmp_path / "columns.csv").read_bytes() == writer.csv_bytes([HEADERS, *_rows(table)])


@pytest.mark.parametrize("read_only", [True, False])
def test_xlsx_reads_back_with_the_same_rows_and_inert_formulas(tmp_path, read_only):
    table = _table()
    save_columns(tmp_path / "推荐.xlsx", table)
    workbook = load_workbook(tmp_path / "推荐.xlsx", read_only=read_only)
    assert workbook.sheetnames == ["推荐"]
    sheet = workbook["推荐"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values == [HEADERS, *_rows(table)]
    if not read_only:
        cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
        hostile = [c for c in cells if writer.is_formula_like(c.value)]
        assert hostile and all(c.data_type == "s" and c.quotePrefix for c in hostile)
        assert not any(c.quotePrefix for c in cells if not writer.is_formula_like(c.value))
        assert {type(c.value) for c in cells if c.column in (1, 3, 4)} == {int}


def test_xlsx_of_many_blocks_matches_the_csv(tmp_path, monkeypatch):
    from matchmaker.services.sheets import writer_columns

    monkeypatch.setattr(writer_columns, "BLOCK", 7)
    table = _table(50)
    save_columns(tmp_path / "x.xlsx", table)
    save_columns(tmp_path / "x.csv", table)
    sheet = load_workbook(tmp_path / "x.xlsx", read_only=True)["推荐"]
    from_xlsx = [["" if v is None else str(v) for v in r]
                 for r in sheet.iter_rows(values_only=True)]
    with (tmp_path / "x.csv").open(encoding="utf-8-sig", newline="") as fh:
        from_csv = [[c[1:] if c.startswith("'") else c for c in row] for row in csv.reader(fh)]
    assert from_xlsx == from_csv


def test_xlsx_parts_and_references(tmp_path):
    save_columns(tmp_path / "x.xlsx", _table(3))
    with zipfile.ZipFile(tmp_path / "x.xlsx") as zf:
        assert zf.testzip() is None
        names = set(zf.namelist())
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml",
            "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml"} <= names
    assert '<dimension ref="A1:E4"/>' in sheet
    assert '<row r="4"><c r="A4"' in sheet and '<c r="E4"' in sheet


def test_empty_table_writes_the_header_only(tmp_path):
    table = ColumnTable("推荐", ["甲", "乙"], [Coded(np.zeros(0, np.int64), []),
                                              np.zeros(0, np.int64)])
    save_columns(tmp_path / "x.xlsx", table)
    save_columns(tmp_path / "x.csv", table)
    assert [list(r) for r in load_workbook(tmp_path / "x.xlsx")["推荐"].iter_rows(
        values_only=True)] == [["甲", "乙"]]
    assert (tmp_path / "x.csv").read_bytes() == "\ufeff甲,乙\r\n".encode()


def test_xlsx_drops_characters_xml_cannot_hold(tmp_path):
    table = ColumnTable("表", ["名称"], [Coded(np.zeros(1, np.int64), ["控制\x01字符\x1f"])])
    save_columns(tmp_path / "x.xlsx", table)
    assert load_workbook(tmp_path / "x.xlsx")["表"]["A2"].value == "控制字符"


def test_xlsx_refuses_more_rows_than_excel_holds(tmp_path):
    table = ColumnTable("表", ["值"], [np.zeros(XLSX_MAX_ROWS, np.int64)])  # + header
    with pytest.raises(ValueError, match="at most 1,048,576"):
        save_columns(tmp_path / "x.xlsx", table)
    assert not (tmp_path / "x.xlsx").exists()


def test_columns_are_checked():
    with pytest.raises(ValueError, match="different lengths"):
        ColumnTable("表", ["甲", "乙"], [np.zeros(2, np.int64), np.zeros(3, np.int64)])
    with pytest.raises(ValueError, match="headers"):
        ColumnTable("表", ["甲"], [np.zeros((2, 2), np.int64)])
    with pytest.raises(TypeError):
        ColumnTable("表", ["甲"], [np.zeros(2)])  # floats go in as Coded values


def test_codes_are_checked():
    with pytest.raises(ValueError, match="outside"):
        Coded(np.array([0, 2]), ["甲", "乙"])
    with pytest.raises(ValueError, match="outside"):
        Coded(np.array([-1]), ["甲"])  # would silently pick the last value
    with pytest.raises(TypeError):
        Coded(np.array([0.0]), ["甲"])
    assert isinstance(Coded([0, 0], ["甲"]).codes, np.ndarray)


def test_values_of_other_types_are_refused(tmp_path):
    for bad in (True, float("nan"), object()):
        table = ColumnTable("表", ["甲"], [Coded(np.zeros(1, np.int64), [bad])])
        with pytest.raises((TypeError, ValueError)):
            save_columns(tmp_path / "x.csv", table)


def test_column_letters():
    assert [column_letter(k) for k in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
