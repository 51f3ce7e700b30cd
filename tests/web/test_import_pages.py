"""Import pages: upload, preview with every row's errors, confirm, error report, template,
export. Bad files get a Chinese message (never a 500) and nothing is half-saved."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Need, Offer, PendingUpload
from matchmaker.services.sheets import uploads, workbooks
from tests.conftest import csrf_from
from tests.sheet_helpers import NEED_HEADERS, OFFER_HEADERS, need_row, offer_row, xlsx


def _needs() -> int:
    return db.session.scalar(select(func.count(Need.id)))


def upload(client, kind, data, name="清单.xlsx", **fields):
    token = csrf_from(client.get(f"/import/{kind}").get_data(as_text=True))
    form = {"csrf_token": token, "file": (io.BytesIO(data), name), **fields}
    return client.post(f"/import/{kind}", data=form, content_type="multipart/form-data")


def confirm(client, preview_url):
    token = csrf_from(client.get(preview_url).get_data(as_text=True))
    return client.post(preview_url, data={"csrf_token": token})


def test_clean_upload_previews_then_saves_everything(client, login_as):
    login_as("recipient")
    response = upload(client, "needs", xlsx([need_row("甲"), need_row("乙")]))
    assert response.status_code == 302
    preview = response.headers["Location"]
    assert re.fullmatch(r"/import/needs/[A-Za-z0-9_-]{32}", preview)
    html = client.get(preview).get_data(as_text=True)
    assert "检查通过：新增 2 行" in html and "确认导入 2 行" in html
    assert _needs() == 0  # nothing saved before confirming
    response = confirm(client, preview)
    assert response.status_code == 302 and response.headers["Location"] == "/needs"
    assert _needs() == 2
    assert "导入完成：新增 2 行" in client.get("/needs").get_data(as_text=True)
    # Back after saving: the preview address says the import is done, with a link to the list
    done = client.get(preview)
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "导入已完成" in html and "新增 2 行" in html
    assert 'href="/needs"' in html and "确认导入" not in html
    assert client.get(preview + "/errors.xlsx").status_code == 404  # the rows are gone
    # submitting the confirmation again saves nothing twice
    again = client.post(preview, data={"csrf_token": csrf_from(html)})
    assert again.status_code == 302 and again.headers["Location"] == preview
    assert _needs() == 2


def test_done_marker_is_private_to_its_owner(client, login_as):
    login_as("coordinator")
    preview = upload(client, "needs", xlsx([need_row() + ["日喀则市民政局"]],
                                          headers=NEED_HEADERS + ["提交单位"])).headers["Location"]
    confirm(client, preview)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/profile").get_data(
        as_text=True))})
    login_as("admin")
    assert client.get(preview).status_code == 404


def test_preview_shows_dates_without_midnight(client, login_as):
    login_as("recipient")
    data = xlsx([need_row("甲", 开始日期=datetime(2027, 4, 1),
                          结束日期=datetime(2027, 5, 1, 9, 30))])
    html = client.get(upload(client, "needs", data).headers["Location"]).get_data(as_text=True)
    assert '>2027-04-01</td>' in html
    assert "00:00:00" not in html
    assert "2027-05-01 09:30" in html


def test_template_has_an_instructions_sheet_and_no_data_row(client, login_as):
    login_as("recipient")
    workbook = load_workbook(io.BytesIO(client.get("/import/needs/template.xlsx").data))
    assert workbook.sheetnames[:2] == ["项目需求清单", "填写说明"]
    assert workbook.active.max_row == 1  # headers only: nothing to import by accident
    guide = {r[0]: r for r in workbook["填写说明"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert set(NEED_HEADERS) <= set(guide)
    # a template filled in as shipped imports nothing: the sample sits on the 填写说明 sheet
    html = client.get(upload(client, "needs", client.get("/import/needs/template.xlsx").data)
                      .headers["Location"]).get_data(as_text=True)
    assert "没有数据行" in html


def test_draft_option(client, login_as):
    login_as("recipient")
    preview = upload(client, "needs", xlsx([need_row()]), draft="y").headers["Location"]
    confirm(client, preview)
    assert db.session.scalar(select(Need.status)) == "draft"


def test_preview_shows_every_row_error_escaped_and_confirm_saves_nothing(client, login_as):
    login_as("recipient")
    rows = [need_row("<script>alert(1)</script>"), need_row("乙", 领域="<b>航天</b>"),
            need_row("丙", **{"资金需求（万元）": -1})]
    preview = upload(client, "needs", xlsx(rows)).headers["Location"]
    html = client.get(preview).get_data(as_text=True)
    assert "文件有错误，未保存任何数据。" in html
    assert "第 3 行 · 领域：未知领域：“&lt;b&gt;航天&lt;/b&gt;”。" in html
    assert "第 4 行 · 资金需求（万元）：金额必须大于 0。" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "确认导入" not in html
    assert confirm(client, preview).status_code == 302
    assert _needs() == 0
    only = client.get(preview + "?only=errors").get_data(as_text=True)
    assert "&lt;script&gt;" not in only  # the valid first row is filtered out
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "need.import"))
    assert event.result == "failure"


def test_error_report_download(client, login_as):
    login_as("recipient")
    preview = upload(client, "needs", xlsx([need_row("甲"), need_row("乙", 领域="航天")]))
    response = client.get(preview.headers["Location"] + "/errors.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][-1] == "错误说明" and rows[2][-1] == "领域：未知领域：“航天”。"


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "empty.xlsx", "文件为空。"),
    (b"%PDF-1.4 fake", "清单.xlsx", "不是有效的 Excel"),
    (b"hello", "清单.pdf", "只支持 .xlsx、.xls 和 .csv 文件。"),
    (b"a" * (5 * 1024 * 1024 + 10), "big.csv", "5 MB"),
])
def test_bad_files_get_a_chinese_message(client, login_as, data, name, message):
    login_as("recipient")
    response = upload(client, "needs", data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _needs() == 0


def test_wrong_headers_are_shown_on_the_preview(client, login_as):
    login_as("recipient")
    preview = upload(client, "needs", xlsx([["x", 1]], headers=["名称", "金额"]))
    html = client.get(preview.headers["Location"]).get_data(as_text=True)
    assert "缺少必填列：项目名称、领域、受援地区、资金需求（万元）" in html
    assert "已忽略的列：名称、金额" in html


def test_confirm_is_refused_when_the_organisation_was_suspended_meanwhile(
        client, login_as, users):
    login_as("recipient")
    preview = upload(client, "needs", xlsx([need_row()])).headers["Location"]
    users["recipient"].organisation.status = "suspended"
    db.session.commit()
    assert confirm(client, preview).status_code == 403
    assert _needs() == 0


def test_another_users_upload_is_not_found(client, login_as):
    login_as("coordinator")
    preview = upload(client, "needs", xlsx([need_row() + ["x"]],
                                          headers=NEED_HEADERS + ["提交单位"]))
    url = preview.headers["Location"]
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/profile").get_data(
        as_text=True))})
    login_as("admin")
    assert client.get(url).status_code == 404
    assert client.get(url + "/errors.xlsx").status_code == 404
    assert client.get("/import/needs/..%2F..%2Fsecret_key").status_code == 404


def test_supporter_imports_offers(client, login_as):
    login_as("supporter")
    preview = upload(client, "offers", xlsx([offer_row()], headers=OFFER_HEADERS))
    confirm(client, preview.headers["Location"])
    assert db.session.scalar(select(func.count(Offer.id))) == 1


def test_template_download(client, login_as):
    login_as("recipient")
    response = client.get("/import/needs/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in ws[1]] == NEED_HEADERS  # no 提交单位 for a recipient
    assert ws.max_row == 1


def test_export_uses_the_list_filters_and_is_audited(client, login_as, users):
    from tests import factories

    org = users["recipient"].organisation
    factories.make_need(org, title="教育项目")
    factories.make_need(org, title="卫生项目", sector_code="0201")
    db.session.commit()
    login_as("supporter")
    response = client.get("/export/needs.xlsx?q=教育")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert [r[0] for r in rows[1:]] == ["教育项目"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "need.export"))
    assert event.changes["filters"]["q"] == "教育" and event.changes["rows"] == 1


def test_list_pages_link_to_import_and_export(client, login_as):
    login_as("recipient")
    html = client.get("/needs?q=abc").get_data(as_text=True)
    assert 'href="/import/needs"' in html and 'href="/export/needs.xlsx?q=abc"' in html
    offers = client.get("/offers").get_data(as_text=True)
    assert 'href="/import/offers"' not in offers and 'href="/export/offers.xlsx"' in offers


def test_upload_page_uses_a_local_progress_script(client, login_as):
    login_as("recipient")
    html = client.get("/import/needs").get_data(as_text=True)
    assert re.search(r'<script src="/static/js/import\.js\?v=[0-9a-f]{12}"></script>', html)
    assert client.get("/static/js/import.js").status_code == 200


def test_the_file_is_parsed_once_and_only_its_rows_are_kept_owner_only(
        client, login_as, app, monkeypatch):
    login_as("recipient")
    data = xlsx([need_row("甲", 开始日期=datetime(2027, 3, 1)), need_row("乙", 领域="航天")])
    def on_disk() -> set[str]:
        return {str(p) for p in Path(app.instance_path).rglob("*")}

    before = on_disk()
    preview = upload(client, "needs", data).headers["Location"]
    # kept in the database (every web host sees it), never on this host's disk
    kept = db.session.scalars(select(PendingUpload).options(
        undefer(PendingUpload.sheet))).all()
    assert [(u.token, u.state, u.rows_total) for u in kept] == [(preview[-32:], "ready", 2)]
    assert b"PK\x03\x04" not in kept[0].sheet and data not in kept[0].sheet
    assert uploads.unpack(kept[0].sheet)["rows"][1][1][0] == "乙"
    assert on_disk() == before

    def no_second_read(*args, **kwargs):
        raise AssertionError("the upload was parsed again")

    monkeypatch.setattr(workbooks, "read_sheet", no_second_read)
    rows = list(load_workbook(io.BytesIO(
        client.get(preview + "/errors.xlsx").data)).active.values)
    assert rows[1][0] == "甲" and rows[1][6] == datetime(2027, 3, 1)  # dates survive the store
    assert rows[2][-1] == "领域：未知领域：“航天”。"
    assert confirm(client, preview).status_code == 302  # re-checked from the kept rows
    assert _needs() == 0 and "领域：未知领域" in client.get(preview).get_data(as_text=True)


def test_confirm_saves_from_the_kept_rows(client, login_as, monkeypatch):
    login_as("recipient")
    preview = upload(client, "needs", xlsx([need_row("甲"), need_row("乙")])).headers["Location"]
    monkeypatch.setattr(workbooks, "read_sheet", None)  # any second parse would fail
    assert confirm(client, preview).headers["Location"] == "/needs"
    assert _needs() == 2


def test_a_hostile_merged_range_upload_is_answered_quickly(client, login_as):
    login_as("recipient")
    data = _patched_merges(xlsx([need_row()]), ["XFD2:XFD20001"] * 3 + ["K3:K1048576"] * 3000)
    started = time.perf_counter()
    response = upload(client, "needs", data)
    assert time.perf_counter() - started < 2
    assert response.status_code == 302
    assert "检查通过：新增 1 行" in client.get(response.headers["Location"]).get_data(
        as_text=True)


def _patched_merges(data: bytes, merges: list[str]) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    block = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b"</sheetData>" + (
                    f'<mergeCells count="{len(merges)}">{block}</mergeCells>').encode())
            dst.writestr(item.filename, body)
    return out.getvalue()
