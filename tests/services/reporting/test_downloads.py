"""Exports: the 报表 workbook opens in openpyxl, the 3W CSV carries HXL tags, and the IATI
XML validates against the IATI 2.03 schema (tests/data/iati, from IATI-Schemas)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent
from matchmaker.services.reporting import downloads, iati
from matchmaker.services.reporting.dashboard import Scope
from tests import factories
from tests.dashboard_helpers import build

XSD = Path(__file__).resolve().parents[2] / "data" / "iati" / "iati-activities-schema.xsd"


@pytest.fixture()
def data(ctx):
    made = build()
    made["user"] = factories.make_user("coordinator", org=None)
    db.session.commit()
    return made


def test_workbook_has_the_four_parts(data):
    blob = downloads.workbook(Scope(), user=data["user"])
    wb = load_workbook(io.BytesIO(blob))
    assert wb.sheetnames == ["总览", "缺口", "对接明细", "贡献单位"]
    overview = [row for row in wb["总览"].iter_rows(values_only=True)]
    assert ("西藏", 3, 190, 2, 50, 1, 38) in overview
    gaps = list(wb["缺口"].iter_rows(min_row=3, values_only=True))
    assert gaps[0] == ("日喀则市", "教育", 2, 130, 40, 90)
    matches = list(wb["对接明细"].iter_rows(min_row=3, values_only=True))
    assert len(matches) == 4  # live matches only
    contributors = list(wb["贡献单位"].iter_rows(min_row=3, values_only=True))
    assert contributors[0][1] == "上海市民政局" and contributors[0][4] == 38
    assert db.session.scalar(select(AuditEvent.action)) == "dashboard.export"


def test_workbook_scope(data):
    blob = downloads.workbook(Scope(province="XJBT00"), user=data["user"])
    matches = list(load_workbook(io.BytesIO(blob))["对接明细"].iter_rows(min_row=3,
                                                                        values_only=True))
    assert [m[5] for m in matches] == ["兵团"]


def test_single_tables_download(data):
    tbl = downloads.table("funnel", Scope())
    assert tbl[2][0][:2] == ["已确认对接", 4]
    text = downloads.table_csv(tbl).decode("utf-8-sig")
    assert text.splitlines()[0] == "环节,对接（个）,中位用时（天）"
    xlsx = downloads.table_xlsx(downloads.table("province", Scope()))
    ws = load_workbook(io.BytesIO(xlsx)).active
    assert ws.cell(3, 1).value == "西藏"
    assert downloads.table("nope", Scope()) is None


def test_hxl_3w(data):
    rows = list(csv.reader(io.StringIO(downloads.hxl_csv(Scope(), user=data["user"]).decode())))
    tags = rows[1]
    for tag in ("#org", "#sector", "#adm1", "#adm2", "#value", "#status"):
        assert any(t.split("+")[0] == tag for t in tags), tag
    body = [dict(zip(tags, r, strict=True)) for r in rows[2:]]
    assert len(body) == 4
    done = next(r for r in body if r["#value+disbursed"] == "380000")
    assert (done["#org+funding"], done["#adm1+code"], done["#adm2+name"]) == (
        "上海市民政局", "540000", "日喀则市")


def test_iati_validates_against_the_schema(data):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.fromstring(iati.activities_xml(Scope(), user=data["user"]))
    schema.assertValid(doc)
    activities = doc.findall("iati-activity")
    assert len(activities) == 4
    done = next(a for a in activities
                if a.find("transaction/transaction-type[@code='3']") is not None
                and a.find("participating-org[@role='4']/narrative").text == "日喀则市民政局")
    assert done.find("reporting-org").get("ref") == "CN-USCI-11310000MB2F12345B"
    assert done.find("activity-status").get("code") == "3"
    assert done.find("recipient-region").get("code") == "540222"
    assert done.find("sector[@vocabulary='99']").get("code") == "0104"
    assert done.find("sector[@vocabulary='2']").get("code") == "111"
    values = {t.find("transaction-type").get("code"): t.find("value").text
              for t in done.findall("transaction")}
    assert values == {"2": "400000", "3": "380000"}
    assert done.find("budget/value").get("currency") == "CNY"
    # An organisation without a credit code gets a platform-local identifier.
    foundation = data["orgs"]["found"]
    assert doc.find(f".//participating-org[@ref='XI-MATCHMAKER-{foundation.id}']") is not None
