"""Formula injection: every sheet and CSV the platform hands out stores hostile text inert.

A title or organisation name beginning with = + - @ comes out of each export as text — an
openpyxl string cell with the quote prefix, or a CSV cell starting with ``'`` — and an
exported sheet still imports back unchanged.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from matchmaker.extensions import db
from matchmaker.services.platform import audit, audit_search
from matchmaker.services.sheets import exports, imports, workbooks, writer
from tests import factories
from tests.dashboard_helpers import build

TITLE = '=HYPERLINK("http://evil.example/x","点我")'
ORG = "@SUM(1+1)*cmd|' /C calc'!A0"
DDE = "-2+3+cmd|' /C calc'!A0"


def _cells(blob: bytes, sheet: str | None = None) -> list:
    wb = load_workbook(io.BytesIO(blob))
    ws = wb[sheet] if sheet else wb.active
    return [cell for row in ws.iter_rows() for cell in row]


def _inert_xlsx(blob: bytes, text: str, sheet: str | None = None) -> None:
    found = [c for c in _cells(blob, sheet) if c.value == text]
    assert found, f"{text!r} not in the sheet"
    for cell in found:
        assert cell.data_type == "s" and cell.data_type != "f"
        assert cell.quotePrefix


def _csv_rows(blob: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(blob.decode("utf-8-sig"), newline="")))


def _inert_csv(blob: bytes, text: str) -> None:
    cells = [c for row in _csv_rows(blob) for c in row]
    assert "'" + text in cells
    assert text not in cells


def test_writer_keeps_numbers_and_neutralises_every_formula_start():
    hostile = ["=1+1", "+1", "-1", "@x", "\tx", "\rx"]
    blob = writer.xlsx([("表", ["值"], [[v] for v in hostile] + [[-5], [2.5], [date(2027, 1, 2)]])])
    cells = _cells(blob)[1:]
    assert [c.value for c in cells[:6]] == hostile
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[:6])
    assert cells[6].value == -5 and cells[6].data_type == "n"
    assert cells[7].value == 2.5 and not cells[7].quotePrefix
    text = writer.csv_bytes([hostile, [-5, 2.5, "普通"]])
    assert text.startswith("\ufeff".encode())
    rows = _csv_rows(text)
    assert rows[0] == ["'" + v for v in hostile]
    assert rows[1] == ["-5", "2.5", "普通"]


@pytest.fixture()
def dashboard(client, login_as):
    made = build()
    made["needs"]["health"].title = TITLE
    made["orgs"]["shanghai"].name = ORG
    db.session.commit()
    login_as("coordinator")
    return made


def test_dashboard_report_workbook(client, dashboard):
    blob = client.get("/dashboard/report.xlsx").data
    _inert_xlsx(blob, TITLE, "对接明细")
    _inert_xlsx(blob, ORG, "对接明细")
    _inert_xlsx(blob, ORG, "贡献单位")


def test_dashboard_3w_csv(client, dashboard):
    blob = client.get("/dashboard/3w.csv").data
    assert _csv_rows(blob)[1][0].startswith("#org")  # the HXL tag row is untouched
    _inert_csv(blob, TITLE)
    _inert_csv(blob, ORG)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_dashboard_tables(client, dashboard, suffix):
    response = client.get(f"/dashboard/table/honours.{suffix}?year=2025")
    assert response.status_code == 200
    if suffix == "csv":
        _inert_csv(response.data, ORG)
    else:
        _inert_xlsx(response.data, ORG)


def test_list_export_is_inert_and_imports_back_unchanged(client, login_as, users):
    user = users["recipient"]
    factories.make_need(user.organisation, title=TITLE, region_code="540222")
    db.session.commit()
    login_as("recipient")
    blob = client.get("/export/needs.xlsx").data
    _inert_xlsx(blob, TITLE, "项目需求清单")
    sheet = workbooks.read_sheet(blob, "清单.xlsx", imports.HEADERS["needs"])
    assert sheet.rows[0][1][0] == TITLE
    plan = imports.check("needs", sheet, org=user.organisation)
    assert plan.ok and plan.counts()["unchanged"] == 1


def test_csv_quote_is_removed_on_import(ctx):
    blob = writer.csv_bytes([["项目名称", "项目简介"], [TITLE, DDE], ["'普通", "'"]])
    sheet = workbooks.read_sheet(blob, "清单.csv", imports.HEADERS["needs"])
    assert sheet.rows[0][1] == [TITLE, DDE]
    assert sheet.rows[1][1] == ["'普通", "'"]  # only the quote the writer adds is removed


def test_error_report(client, login_as, tmp_path, app, monkeypatch):
    login_as("recipient")
    from tests.conftest import csrf_from

    page = client.get("/import/needs").get_data(as_text=True)
    body = ("项目名称,领域,受援地区,资金需求（万元）\r\n"
            f'"{TITLE.replace(chr(34), chr(34) * 2)}",航天,江孜县,1\r\n').encode()
    response = client.post("/import/needs", data={
        "csrf_token": csrf_from(page), "file": (io.BytesIO(body), "清单.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    blob = client.get(response.headers["Location"] + "/errors.xlsx").data
    _inert_xlsx(blob, TITLE)


def test_template_with_a_hostile_organisation_name(ctx):
    org = factories.make_org(name=ORG)
    db.session.flush()
    _inert_xlsx(exports.template("needs", org=org, with_org_column=True), ORG, "填写说明")


def test_audit_export(ctx, users):
    org = factories.make_org(name=ORG)
    db.session.flush()
    audit.record("organisation.status", actor=DDE, organisation_id=org.id)
    db.session.flush()
    blob, _ = audit_search.export_xlsx(audit_search.AuditFilters(), by=users["coordinator"])
    _inert_xlsx(blob, ORG)
    _inert_xlsx(blob, DDE)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_flask_rank_out(ctx, tmp_path, suffix, app, monkeypatch):
    monkeypatch.setitem(app.config, "SCORING_WEIGHTS_FILE", str(tmp_path / "w.json"))
    need_org = factories.make_org(region_code="540200")
    offer_org = factories.make_org(region_code="310000")
    factories.make_need(need_org, title=TITLE, sector_code="0104", region_code="540222",
                        description="组织乡村教师开展教学能力培训。")
    factories.make_offer(offer_org, title=DDE, description="送教下乡，培训基层教师。")
    db.session.commit()
    out = tmp_path / f"推荐{suffix}"
    result = ctx.test_cli_runner().invoke(args=["rank", "--out", str(out)])
    assert result.exit_code == 0, result.output
    if suffix == ".csv":
        _inert_csv(out.read_bytes(), TITLE)
        _inert_csv(out.read_bytes(), DDE)
    else:
        _inert_xlsx(out.read_bytes(), TITLE, "推荐")
        _inert_xlsx(out.read_bytes(), DDE, "推荐")
