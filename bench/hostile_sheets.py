"""Benchmark: hostile 清单 uploads against the sheet reader's budget (target ≤ 2 s, ≤ 200 MB).

    .venv/bin/python bench/hostile_sheets.py [--only NAME] [--keep DIR]

Builds each hostile file of the security finding (plus a normal 10,000-row sheet as reference)
in a temporary folder and parses each in a fresh subprocess with
``workbooks.read_sheet(data, name, imports.HEADERS["needs"])`` — what ``POST /import/needs``
and ``flask import`` do before checking rows. Prints wall time, peak memory above the idle
process (peak resident size VmHWM minus the resident size just before parsing) and the
outcome: the Chinese refusal or the number of rows read.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = ["项目名称", "领域", "受援地区", "资金需求（万元）", "受益人数", "项目简介",
           "开始日期", "结束日期", "联系人", "联系电话"]
ROW = ["江孜县幼儿园设备{}", "学前教育", "江孜县", 12.5, 300, "配置教学设备", "2027-03-01",
       "2027-12-31", "次仁", "13812345678"]
TIME_LIMIT, MEMORY_LIMIT_MB = 2.0, 200


def _base_xlsx(rows: int = 1) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("需求")
    ws.append(HEADERS)
    for i in range(rows):
        ws.append([v.format(i) if isinstance(v, str) else v for v in ROW])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _patch_sheet(data: bytes, extra_rows: str = "", merges: list[str] = ()) -> bytes:
    """Append raw rows to sheetData and a <mergeCells> block to the first worksheet."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                text = text.replace("</sheetData>", extra_rows + "</sheetData>")
                if merges:
                    block = (f'<mergeCells count="{len(merges)}">'
                             + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
                             + "</mergeCells>")
                    text = text.replace("</sheetData>", "</sheetData>" + block, 1)
                body = text.encode()
            dst.writestr(item.filename, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def xlsx_merged_to_xfd() -> bytes:
    """A list row, then three merged ranges XFB3:XFB20002 … XFD3:XFD20002, values on top."""
    cells = "".join(f'<c r="{c}3" t="inlineStr"><is><t>x</t></is></c>' for c in ("XFB", "XFC",
                                                                                 "XFD"))
    return _patch_sheet(_base_xlsx(1), f'<row r="3">{cells}</row>',
                        [f"{c}3:{c}20002" for c in ("XFB", "XFC", "XFD")])


def xlsx_3000_column_merges() -> bytes:
    """3,000 copies of the merged range K3:K1048576 over a two-row list."""
    data = _base_xlsx(2)
    return _patch_sheet(data, '<row r="4"><c r="K4" t="inlineStr"><is><t>x</t></is></c></row>',
                        ["K3:K1048576"] * 3000)


def xlsx_blank_rows() -> bytes:
    """A list row followed by 1,048,000 blank (styled) rows."""
    rows = "".join(f'<row r="{n}" customHeight="1" ht="15"/>' for n in range(500, 1_048_500))
    return _patch_sheet(_base_xlsx(1), rows)


def xls_2000_merges() -> bytes:
    """A small .xls with 2,000 merged ranges, each from row 2 to 9,991 in the table (under
    the 10,000-row limit, which the old reader checked before filling merged cells)."""
    import xlwt

    book = xlwt.Workbook()
    ws = book.add_sheet("需求")
    for c, header in enumerate(HEADERS):
        ws.write(0, c, header)
    for c, value in enumerate(ROW):
        ws.write(1, c, value.format(0) if isinstance(value, str) else value)
    ranges = ws._Worksheet__merged_ranges  # xlwt.merge() would refuse overlapping ranges
    for i in range(2000):
        ranges.append((1, 9990, i % len(HEADERS), i % len(HEADERS)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_newlines() -> bytes:
    """The header and 5 MB of newlines."""
    head = ",".join(HEADERS).encode("utf-8") + b"\n"
    return head + b"\n" * (5 * 1024 * 1024 - len(head) - 1)


def xlsx_10000_rows() -> bytes:
    """Reference: a normal 10,000-row 需求清单."""
    return _base_xlsx(10_000)


CASES = {
    "xlsx: 3 merged ranges to column XFD, 20,000 rows": (xlsx_merged_to_xfd, "a.xlsx"),
    "xlsx: 3,000 × merged K3:K1048576": (xlsx_3000_column_merges, "b.xlsx"),
    "xlsx: 1,048,000 blank styled rows": (xlsx_blank_rows, "c.xlsx"),
    "xls: 2,000 merged ranges": (xls_2000_merges, "d.xls"),
    "csv: 5 MB of newlines": (csv_newlines, "e.csv"),
    "xlsx: normal 10,000-row list (reference)": (xlsx_10000_rows, "f.xlsx"),
}


def _status_kb(field: str) -> int:
    """VmRSS (resident now) or VmHWM (peak resident) of this process, in KB.

    Not ru_maxrss: Linux carries it over from the parent across fork and exec, so a child of
    a parent that built big files would report the parent's size."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def measure(path: Path) -> dict:
    """Parse ``path`` in this process (a fresh one); report time, memory, outcome."""
    from matchmaker.services.sheets import imports, workbooks

    data = path.read_bytes()
    gc.collect()
    idle = _status_kb("VmRSS")
    started = time.perf_counter()
    try:
        sheet = workbooks.read_sheet(data, path.name, imports.HEADERS["needs"])
        outcome = f"读取 {len(sheet.rows):,} 行，{len(sheet.headers)} 列"
    except workbooks.SheetError as exc:
        outcome = f"拒绝：{exc.message}"
    seconds = time.perf_counter() - started
    peak = _status_kb("VmHWM")
    return {"seconds": seconds, "mb": (peak - idle) / 1024, "outcome": outcome}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the cases whose name contains this text")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure), ensure_ascii=False))
        return 0
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for name, (build, filename) in CASES.items():
            if args.only and args.only not in name:
                continue
            path = folder / filename
            path.write_bytes(build())
            done = subprocess.run([sys.executable, __file__, "--measure", str(path)],  # noqa: S603
                                  capture_output=True, text=True, cwd=ROOT, timeout=600)
            if done.returncode:
                print(f"{name}: failed\n{done.stderr[-2000:]}")
                failures += 1
                continue
            result = json.loads(done.stdout)
            ok = result["seconds"] <= TIME_LIMIT and result["mb"] <= MEMORY_LIMIT_MB
            failures += not ok
            print(f"{'OK ' if ok else 'OVER'} {name} ({path.stat().st_size / 1024:,.0f} KB): "
                  f"{result['seconds']:.2f} s, +{result['mb']:.0f} MB — {result['outcome']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
