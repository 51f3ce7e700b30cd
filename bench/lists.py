"""Benchmark: import a generated 10,000-row 需求清单 and export it again; prints rows/s.

    .venv/bin/python bench/lists.py [--rows 10000] [--pg postgresql://postgres@127.0.0.1/bench]

Always runs on a fresh SQLite file; also on PostgreSQL when --pg or TEST_DATABASE_URL is given
(that database's public schema is dropped and rebuilt — use a scratch database).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from matchmaker import create_app  # noqa: E402
from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import Need, Organisation, Region, Sector, User  # noqa: E402
from matchmaker.services.lists.browse import Filters  # noqa: E402
from matchmaker.services.sheets import exports, imports, workbooks

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fresh import fresh_database  # noqa: E402


def make_sheet(rows: int, region_names: list[str], sector_names: list[str]) -> bytes:
    """A needs sheet with ``rows`` valid, distinct rows."""
    rng = random.Random(7)
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("需求")
    ws.append(list(imports.HEADERS["needs"]))
    for i in range(rows):
        ws.append([f"基准测试项目{i:05d}", rng.choice(sector_names), rng.choice(region_names),
                   round(rng.uniform(1, 500), 2), rng.randint(0, 5000),
                   "为当地群众提供帮扶，改善基础设施与公共服务条件。" * 3,
                   "2027-03-01", "2027-12-31", "张三", f"1380000{i % 10000:04d}"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(url: str, rows: int) -> None:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        fresh_database()
        org = Organisation(name="日喀则市民政局（基准）", kind="bureau", region_code="540200",
                           status="verified")
        user = User(email="bench@example.cn", password_hash="x", display_name="基准",  # noqa: S106
                    role="recipient", organisation=org)
        db.session.add_all([org, user])
        db.session.commit()
        names = list(db.session.scalars(select(Region.name).where(Region.parent_code == "540200")))
        sectors = list(db.session.scalars(
            select(Sector.name).where(Sector.parent_code.isnot(None))))
        data = make_sheet(rows, names, sectors)
        print(f"  sheet: {rows} rows, {len(data) / 1024 / 1024:.2f} MB")

        start = time.perf_counter()
        sheet = workbooks.read_sheet(data, "bench.xlsx", imports.HEADERS["needs"])
        read = time.perf_counter()
        plan = imports.check("needs", sheet, org=org)
        checked = time.perf_counter()
        assert plan.ok, plan.errors[:5]
        imports.save(plan, by=user)
        db.session.commit()
        done = time.perf_counter()
        total = done - start
        print(f"  import: {total:.1f} s = {rows / total:,.0f} rows/s "
              f"(read {read - start:.1f} s, check {checked - read:.1f} s, "
              f"save+commit {done - checked:.1f} s)")
        assert db.session.scalar(select(func.count(Need.id))) == rows

        start = time.perf_counter()
        out = exports.export_list("needs", user, Filters())
        db.session.commit()
        total = time.perf_counter() - start
        print(f"  export: {total:.1f} s = {rows / total:,.0f} rows/s ({len(out) / 1024:.0f} KB)")

        start = time.perf_counter()
        plan = imports.check("needs", workbooks.read_sheet(out, "e.xlsx", imports.HEADERS["needs"]),
                             org=org)
        counts = imports.save(plan, by=user)
        db.session.commit()
        total = time.perf_counter() - start
        print(f"  re-import of the export: {total:.1f} s = {rows / total:,.0f} rows/s {counts}")
        db.session.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite")
        run(f"sqlite:///{tmp}/bench.sqlite", args.rows)
    if args.pg:
        print("PostgreSQL")
        run(args.pg, args.rows)


if __name__ == "__main__":
    main()
