"""Import journeys in a real browser: upload with progress, preview with errors, confirm."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import Need, PendingUpload
from matchmaker.services.sheets import import_jobs, imports, progress, uploads, workbooks
from tests import factories
from tests.sheet_helpers import need_row, xlsx

from .conftest import BOTH_WIDTHS, screenshot

pytestmark = BOTH_WIDTHS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _log_in(page, role="recipient"):
    org = factories.make_org(name="日喀则市民政局（浏览器）", region_code="540200")
    user = factories.make_user(role, org=org)
    db.session.commit()
    page.goto("/login")
    page.get_by_label("邮箱").fill(user.email)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/home")
    return user


def _upload(page, data: bytes):
    page.goto("/needs")
    page.get_by_role("link", name="批量导入").click()
    page.get_by_label("清单文件").set_input_files(
        {"name": "需求清单.xlsx", "mimeType": XLSX, "buffer": data})
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/import/needs/*")


def test_import_with_errors_then_clean_import(page):
    _log_in(page)
    _upload(page, xlsx([need_row("<b>加粗</b>"), need_row("乙", 领域="航天"),
                        need_row("丙", **{"资金需求（万元）": "-3"})]))
    errors = page.get_by_test_id("import-errors")
    assert "文件有错误，未保存任何数据。" in errors.inner_text()
    table = page.get_by_test_id("preview-table").inner_text()
    assert "第 3 行 · 领域：未知领域：“航天”。" in table
    assert "<b>加粗</b>" in table  # shown as text, not markup
    screenshot(page, "import-preview-errors")
    with page.expect_download() as download:
        page.get_by_test_id("error-report").click()
    assert download.value.suggested_filename.endswith("错误说明.xlsx")
    assert db.session.scalar(select(func.count(Need.id))) == 0

    _upload(page, xlsx([need_row("甲"), need_row("乙")]))
    assert "检查通过：新增 2 行" in page.get_by_test_id("import-summary").inner_text()
    screenshot(page, "import-preview-clean")
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url("**/needs")
    assert "导入完成：新增 2 行" in page.content()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Need.id))) == 2
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename == "项目需求清单.xlsx"


def test_a_large_import_shows_its_progress_then_the_preview(page):
    """The progress page polls the JSON status: the bar and text follow the job, and the
    preview opens by itself once the check is done."""
    user = _log_in(page)
    sheet = workbooks.read_sheet(xlsx([need_row(f"项目{i}") for i in range(4)]), "大.xlsx",
                                 imports.HEADERS["needs"])
    token = unit_of_work.run(lambda: uploads.store(
        sheet, {"user_id": user.id, "kind": "needs", "draft": False, "filename": "大.xlsx"},
        state="checking"))  # its job not run yet
    upload_id = db.session.scalar(select(PendingUpload.id).where(PendingUpload.token == token))
    page.goto(f"/import/needs/{token}")
    text = page.locator("[data-progress-text]")
    assert "已排队" in text.inner_text()
    progress.write(upload_id, "check", 2, 4)
    try:
        page.get_by_text("正在检查：2 / 4 行").wait_for()
        assert page.locator("progress").evaluate("p => [p.value, p.max]") == [2, 4]
        screenshot(page, "import-progress")
    finally:
        progress.forget(upload_id)
    unit_of_work.run(lambda: import_jobs.run_check(upload_id, ""))
    page.get_by_test_id("import-summary").wait_for()
    assert "检查通过：新增 4 行" in page.get_by_test_id("import-summary").inner_text()
