"""Large imports (more than IMPORT_JOB_ROWS rows) run as background jobs: the page shows
rows done / total, polls a small JSON status, works without JavaScript (Refresh header and
a link), and shows the result or the error in Chinese. A failed import saves nothing."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Job, Need, PendingUpload
from matchmaker.services.errors import DomainError
from matchmaker.services.lists import needs as needs_service
from matchmaker.services.sheets import import_jobs, imports, progress, uploads, workbooks
from tests.conftest import csrf_from
from tests.sheet_helpers import need_row, xlsx


@pytest.fixture(autouse=True)
def _small_threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 2)


def _needs() -> int:
    return db.session.scalar(select(func.count(Need.id)))


def upload(client, rows):
    token = csrf_from(client.get("/import/needs").get_data(as_text=True))
    form = {"csrf_token": token, "file": (io.BytesIO(xlsx(rows)), "大清单.xlsx")}
    response = client.post("/import/needs", data=form, content_type="multipart/form-data")
    response.close()  # as the WSGI server does: the request's jobs run now (no Redis)
    assert response.status_code == 302
    return response.headers["Location"]


def confirm(client, preview_url):
    token = csrf_from(client.get(preview_url).get_data(as_text=True))
    response = client.post(preview_url, data={"csrf_token": token})
    response.close()
    return response


def _upload_row(preview_url: str) -> PendingUpload:
    db.session.expire_all()
    return db.session.scalar(select(PendingUpload).where(
        PendingUpload.token == preview_url.rsplit("/", 1)[1]))


def test_a_large_sheet_is_checked_and_saved_by_jobs(client, login_as):
    login_as("recipient")
    rows = [need_row(f"项目{i}") for i in range(5)]
    preview = upload(client, rows)
    # the check ran as a job (in-process after the response: no Redis in the tests)
    jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
    assert [(j.task, j.status) for j in jobs] == [("sheets.check", "finished")]
    html = client.get(preview).get_data(as_text=True)
    assert "检查通过：新增 5 行" in html and "确认导入 5 行" in html
    status = client.get(preview + "/status").get_json()
    assert status == {"state": "ready", "phase": "", "rows_done": 5, "rows_total": 5,
                      "message": "检查完成，请查看预览。", "finished": True, "url": preview}
    assert _needs() == 0
    response = confirm(client, preview)
    assert response.status_code == 302 and response.headers["Location"] == preview
    assert _needs() == 5
    assert [j.task for j in db.session.scalars(select(Job).order_by(Job.id))] == [
        "sheets.check", "sheets.import"]
    done = client.get(preview).get_data(as_text=True)
    assert "导入已完成" in done and "新增 5 行" in done
    status = client.get(preview + "/status").get_json()
    assert status["state"] == "done" and status["message"].startswith("导入完成：新增 5 行")
    assert (status["rows_done"], status["rows_total"]) == (5, 5)
    # the rows are dropped after the import; confirming again saves nothing twice
    assert _upload_row(preview).sheet is None
    again = client.post(preview, data={"csrf_token": csrf_from(done)})
    assert again.headers["Location"] == preview and _needs() == 5
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "need.import", AuditEvent.result == "success")) == 1


def test_small_sheets_keep_the_synchronous_path(client, login_as):
    login_as("recipient")
    preview = upload(client, [need_row("甲"), need_row("乙")])
    assert db.session.scalar(select(func.count(Job.id)).where(
        Job.task.like("sheets.%"))) == 0
    assert confirm(client, preview).headers["Location"] == "/needs"
    assert _needs() == 2


def test_the_progress_page_polls_and_works_without_javascript(client, login_as, users, app):
    login_as("recipient")
    data = xlsx([need_row(f"项目{i}") for i in range(4)])
    sheet = workbooks.read_sheet(data, "a.xlsx", imports.HEADERS["needs"])
    user = users["recipient"]
    token = unit_of_work.run(lambda: uploads.store(
        sheet, {"user_id": user.id, "kind": "needs", "draft": False, "filename": "a.xlsx"},
        state="checking"))  # queued, its job not run yet
    url = f"/import/needs/{token}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Refresh"] == "3"
    assert "正在检查" in html and "已排队，等待后台处理" in html
    assert f'href="{url}"' in html  # a refresh link
    assert f'data-status-url="{url}/status"' in html
    assert re.search(r'<progress [^>]*max="4" value="0"', html)
    upload_id = _upload_row(url).id
    progress.write(upload_id, "check", 3, 4)
    try:
        status = client.get(url + "/status").get_json()
        assert status["message"] == "正在检查：3 / 4 行" and not status["finished"]
        assert (status["rows_done"], status["rows_total"], status["state"]) == (3, 4, "checking")
        assert re.search(r'<progress [^>]*max="4" value="3"', client.get(url).get_data(
            as_text=True))
        # confirming while the check runs does nothing
        response = client.post(url, data={"csrf_token": csrf_from(html)})
        assert response.headers["Location"] == url and _needs() == 0
    finally:
        progress.forget(upload_id)


def test_a_refused_row_while_saving_rolls_back_the_whole_import(client, login_as, monkeypatch):
    login_as("recipient")
    preview = upload(client, [need_row(f"项目{i}") for i in range(4)])
    real = needs_service.create
    calls = []

    def third_refused(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise DomainError("第 3 行保存时被拒绝。")
        return real(*args, **kwargs)

    monkeypatch.setattr(needs_service, "create", third_refused)
    confirm(client, preview)
    assert len(calls) == 3 and _needs() == 0
    html = client.get(preview).get_data(as_text=True)
    assert "第 3 行保存时被拒绝。 未保存任何数据。" in html and "确认导入 4 行" in html
    status = client.get(preview + "/status").get_json()
    assert status["state"] == "ready" and "未保存任何数据" in status["message"]


def test_a_crashing_import_job_saves_nothing_and_says_so(client, login_as, monkeypatch):
    login_as("recipient")
    preview = upload(client, [need_row(f"项目{i}") for i in range(4)])
    real = needs_service.create
    calls = []

    def crash(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(needs_service, "create", crash)
    confirm(client, preview)
    assert _needs() == 0
    job = db.session.scalars(select(Job).where(Job.task == "sheets.import")).one()
    assert job.status == "failed" and "disk on fire" in job.error
    page = client.get(preview)
    html = page.get_data(as_text=True)
    assert "导入失败，未保存任何数据" in html and "Refresh" not in page.headers
    assert "disk on fire" not in html  # the details are for admins (/admin/jobs)
    status = client.get(preview + "/status").get_json()
    assert status["state"] == "failed" and status["finished"]


def test_status_of_another_users_upload_is_not_found(client, login_as, users):
    login_as("recipient")
    preview = upload(client, [need_row(f"项目{i}") for i in range(3)])
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/profile").get_data(
        as_text=True))})
    login_as("coordinator")
    assert client.get(preview + "/status").status_code == 404
    assert client.get("/import/needs/" + "b" * 32 + "/status").status_code == 404


def test_progress_is_visible_to_other_sessions_while_the_import_runs(
        client, login_as, monkeypatch, app):
    """Rows saved so far are visible to a poll served by another session (another web host
    on PostgreSQL) while the import's own transaction is still open."""
    login_as("recipient")
    preview = upload(client, [need_row(f"项目{i}") for i in range(4)])
    monkeypatch.setattr(progress, "EVERY_ROWS", 1)
    real = needs_service.create
    seen = []

    def watch(*args, **kwargs):
        with app.app_context():  # its own session, as a poll on another host
            upload = db.session.scalar(select(PendingUpload).where(
                PendingUpload.token == preview.rsplit("/", 1)[1]))
            status = import_jobs.status(upload)
            seen.append((status["state"], status["message"]))
            db.session.remove()
        return real(*args, **kwargs)

    monkeypatch.setattr(needs_service, "create", watch)
    confirm(client, preview)
    assert _needs() == 4
    assert seen == [("importing", f"正在保存：{n} / 4 行") for n in range(4)]
