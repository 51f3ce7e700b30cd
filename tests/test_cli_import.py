"""``flask import needs|offers FILE [--org NAME] [--draft]``."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Need, Offer
from tests import factories
from tests.sheet_helpers import NEED_HEADERS, OFFER_HEADERS, need_row, offer_row, xlsx


@pytest.fixture()
def cli(ctx):
    return ctx.test_cli_runner()


@pytest.fixture()
def org(ctx):
    made = factories.make_org(name="日喀则市民政局（命令行）", region_code="540200")
    db.session.commit()
    return made


def _write(tmp_path, data: bytes, name: str = "清单.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _needs() -> int:
    return db.session.scalar(select(func.count(Need.id)))


def test_import_with_org_prints_a_summary(cli, org, tmp_path):
    path = _write(tmp_path, xlsx([need_row("甲"), need_row("乙")]))
    result = cli.invoke(args=["import", "needs", path, "--org", org.name])
    assert result.exit_code == 0, result.output
    assert "导入完成（已发布）：新增 2 行，更新 0 行，无变化 0 行，重复 0 行。" in result.output
    assert _needs() == 2
    again = cli.invoke(args=["import", "needs", path, "--org", org.name])
    assert "新增 0 行，更新 0 行，无变化 2 行" in again.output and _needs() == 2


def test_draft_flag(cli, org, tmp_path):
    path = _write(tmp_path, xlsx([need_row()]))
    assert cli.invoke(args=["import", "needs", path, "--org", org.name, "--draft"]).exit_code == 0
    assert db.session.scalar(select(Need.status)) == "draft"


def test_row_errors_are_printed_in_chinese_and_nothing_is_saved(cli, org, tmp_path):
    path = _write(tmp_path, xlsx([need_row("甲"), need_row("乙", 领域="航天", 联系电话="1")]))
    result = cli.invoke(args=["import", "needs", path, "--org", org.name])
    assert result.exit_code != 0
    assert "第 3 行 [领域] 未知领域：“航天”。" in result.output
    assert "第 3 行 [联系电话]" in result.output
    assert "共 2 处错误，未导入任何数据。" in result.output
    assert _needs() == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "need.import"))
    assert event.result == "failure"


def test_without_org_the_organisation_column_decides(cli, org, tmp_path):
    supporter = factories.make_org(name="上海市对口支援（命令行）", region_code="310000")
    db.session.commit()
    rows = [offer_row() + [supporter.name], offer_row("乙") + ["查无此单位"]]
    path = _write(tmp_path, xlsx(rows, headers=OFFER_HEADERS + ["提交单位"]))
    result = cli.invoke(args=["import", "offers", path])
    assert result.exit_code != 0
    assert "第 3 行 [提交单位] 单位“查无此单位”不存在" in result.output
    assert db.session.scalar(select(func.count(Offer.id))) == 0
    path = _write(tmp_path, xlsx(rows[:1], headers=OFFER_HEADERS + ["提交单位"]))
    assert cli.invoke(args=["import", "offers", path]).exit_code == 0
    assert db.session.scalar(select(Offer.organisation_id)) == supporter.id


def test_unknown_org_option(cli, tmp_path):
    path = _write(tmp_path, xlsx([need_row()]))
    result = cli.invoke(args=["import", "needs", path, "--org", "没有这个单位"])
    assert result.exit_code != 0 and "单位“没有这个单位”不存在" in result.output


def test_file_level_errors(cli, org, tmp_path):
    pdf = _write(tmp_path, b"%PDF-1.4 not a sheet", "清单.xlsx")
    result = cli.invoke(args=["import", "needs", pdf, "--org", org.name])
    assert result.exit_code != 0 and "不是有效的 Excel" in result.output
    wrong = _write(tmp_path, xlsx([["x"]], headers=["名称"]), "wrong.xlsx")
    result = cli.invoke(args=["import", "needs", wrong, "--org", org.name])
    assert result.exit_code != 0 and "缺少必填列" in result.output
    empty = _write(tmp_path, b"", "empty.csv")
    result = cli.invoke(args=["import", "needs", empty, "--org", org.name])
    assert result.exit_code != 0 and "文件为空" in result.output
    assert _needs() == 0


def test_csv_in_gb18030(cli, org, tmp_path):
    text = ",".join(NEED_HEADERS[:4]) + "\r\n江孜县幼儿园,学前教育,江孜县,\"1,200\"\r\n"
    path = _write(tmp_path, text.encode("gb18030"), "清单.csv")
    result = cli.invoke(args=["import", "needs", path, "--org", org.name])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Need.budget_yuan)) == 12_000_000


def test_hostile_csv_of_newlines_is_refused_in_chinese(cli, org, tmp_path):
    data = (",".join(NEED_HEADERS[:4]) + "\n").encode() + b"\n" * 1_000_000
    path = _write(tmp_path, data, "空行.csv")
    result = cli.invoke(args=["import", "needs", path, "--org", org.name])
    assert result.exit_code != 0 and "空行" in result.output
    assert _needs() == 0


def test_exported_csv_with_quoted_formula_text_imports_back(cli, org, tmp_path):
    from matchmaker.services.sheets import writer

    title = "=1+1 项目"
    row = [title, "学前教育", "江孜县", 12.5]
    path = _write(tmp_path, writer.csv_bytes([NEED_HEADERS[:4], row]), "清单.csv")
    result = cli.invoke(args=["import", "needs", path, "--org", org.name])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Need.title)) == title
