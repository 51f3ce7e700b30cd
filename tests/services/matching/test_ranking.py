"""Matching service on a real database: filters, candidates both ways, `flask rank`."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from matchmaker.extensions import db
from matchmaker.models import Match, Pairing
from matchmaker.scoring import FACTORS, NeedTable, OfferTable
from matchmaker.services.errors import DomainError
from matchmaker.services.matching import batch, ranking, weights
from tests import decision_helpers as dh
from tests import factories


@pytest.fixture()
def orgs(ctx):
    return {
        "rikaze": factories.make_org(region_code="540200"),
        "shanghai": factories.make_org(region_code="310000"),
        "beijing": factories.make_org(region_code="110000"),
    }


def teacher_need(orgs, **kw):
    values = {"title": "江孜县乡村教师培训", "description": "组织乡村教师开展教学能力培训。",
              "sector_code": "0104", "region_code": "540222", "budget_yuan": 500_000}
    values.update(kw)
    return factories.make_need(orgs["rikaze"], **values)


def teacher_offer(orgs, org="shanghai", **kw):
    values = {"title": "基层教师能力提升", "description": "送教下乡，培训基层教师。"}
    values.update(kw)
    return factories.make_offer(orgs[org], **values)


def test_reference_has_only_active_pairings(ctx):
    # The change is never committed: the test's rollback restores the pairings.
    before = ranking.load_reference()
    assert any(p.recipient_region_code == "540200" and p.supporter_name == "上海市"
               for p in before.pairings)
    db.session.execute(update(Pairing).where(Pairing.recipient_region_code == "540200")
                       .values(active=False))
    after = ranking.load_reference()
    assert not any(p.recipient_region_code == "540200" for p in after.pairings)
    assert after.region_by_code["XJBT03"].province_code == "XJBT00"


def test_candidates_for_need_shape_and_reasons(orgs):
    need = teacher_need(orgs)
    offer = teacher_offer(orgs, budget_yuan=400_000)
    result = ranking.candidates_for_need(need)
    assert [c["offer_id"] for c in result] == [offer.id]
    top = result[0]
    assert set(top["factors"]) == set(FACTORS)
    assert 0 <= top["score"] <= 1
    # 上海 is paired with 日喀则市 and, more precisely, with 江孜县 itself.
    assert top["reasons"][:2] == ["领域一致：教师培训", "对口支援：上海市 → 江孜县"]
    assert "资金可覆盖需求的 80%" in top["reasons"]


def test_hard_filters(orgs):
    need = teacher_need(orgs)
    good = teacher_offer(orgs)
    teacher_offer(orgs, status="draft")
    teacher_offer(orgs, committed_yuan=1_000_000)  # nothing left
    suspended = factories.make_org(region_code="310000", status="suspended")
    factories.make_offer(suspended, title="基层教师能力提升")
    elsewhere = teacher_offer(orgs, regions=("653100",))
    rejected = teacher_offer(orgs, title="乡村教师研修")
    db.session.add(Match(need=need, offer=rejected, status="rejected", amount_yuan=0))
    db.session.flush()
    assert [c["offer_id"] for c in ranking.candidates_for_need(need)] == [good.id]
    widened = {c["offer_id"] for c in ranking.candidates_for_need(need, widen=True)}
    assert widened == {good.id, elsewhere.id}  # the rejected pair never comes back


def test_unpublished_or_suspended_need_has_no_candidates(orgs):
    teacher_offer(orgs)
    assert ranking.candidates_for_need(teacher_need(orgs, status="draft")) == []
    need = teacher_need(orgs)
    orgs["rikaze"].status = "suspended"
    db.session.flush()
    assert ranking.candidates_for_need(need) == []


def test_candidates_for_offer(orgs):
    offer = teacher_offer(orgs, regions=("540200",))
    best = teacher_need(orgs)
    weaker = teacher_need(orgs, title="拉孜县敬老院供暖改造", sector_code="0801",
                          region_code="540225", description="")
    teacher_need(orgs, region_code="653125")  # not in the offer's target regions
    matched = teacher_need(orgs, title="江孜县教师培训二期")
    db.session.add(Match(need=matched, offer=offer, status="confirmed", amount_yuan=100_000))
    db.session.flush()
    result = ranking.candidates_for_offer(offer, limit=5)
    assert [c["need_id"] for c in result] == [best.id, weaker.id]
    assert result[0]["score"] > result[1]["score"]
    assert result[0]["reasons"][0] == "领域一致：教师培训"


def test_score_pair_ignores_filters(orgs):
    need = teacher_need(orgs)
    offer = teacher_offer(orgs, regions=("653100",))
    result = ranking.score_pair(need, offer)
    assert result["factors"]["region"] == 0.0
    assert result["factors"]["sector"] == 1.0
    assert 0 < result["score"] < 1 and result["reasons"]


@pytest.fixture()
def cli(ctx):
    return ctx.test_cli_runner()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_flask_rank_writes_the_sheet(cli, tmp_path, suffix):
    assert cli.invoke(args=["demo"]).exit_code == 0
    out = tmp_path / f"推荐{suffix}"
    result = cli.invoke(args=["rank", "--top", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "耗时" in result.output and "秒" in result.output
    if suffix == ".xlsx":
        sheet = load_workbook(out)["推荐"]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    else:
        with out.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    assert rows[0] == batch.SHEET_HEADER
    assert rows[0][:6] == ["需求编号", "需求", "供给编号", "供给", "得分（0–100）", "领域（0–100）"]
    assert rows[0][-1] == "理由"
    body = rows[1:]
    assert len(body) > 40
    by_need: dict = {}
    for row in body:
        by_need.setdefault(row[0], []).append(float(row[4]))
        assert 0 <= float(row[4]) <= 100 and float(row[4]) == int(float(row[4]))
        assert row[-1]
    assert all(len(s) <= 3 and s == sorted(s, reverse=True) for s in by_need.values())
    teachers = [r for r in body if r[1] == "江孜县乡村教师培训"]
    assert teachers[0][3] == "基层教师能力提升"


def test_flask_rank_xlsx_and_csv_carry_the_same_rows(cli, ctx, tmp_path):
    """Both files hold the ranking's rows (ids, titles, points, reasons) as the row
    tuples of the table say, in the same order."""
    assert cli.invoke(args=["demo"]).exit_code == 0
    for suffix in (".xlsx", ".csv"):
        result = cli.invoke(args=["rank", "--top", "5", "--out", str(tmp_path / f"r{suffix}")])
        assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "r.xlsx", read_only=True)["推荐"]
    from_xlsx = [list(r) for r in sheet.iter_rows(values_only=True)]
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as fh:
        from_csv = list(csv.reader(fh))
    expected = [batch.SHEET_HEADER, *map(list, batch.rank(top_k=5).rows())]
    assert len(expected) > 40
    assert from_xlsx == expected
    assert from_csv == [[str(v) for v in row] for row in expected]


def test_rank_sheet_past_excel_rows_is_refused_as_xlsx(tmp_path):
    n = 1_048_576  # rows of an Excel sheet, the header included: one too many
    codes = np.zeros(n, np.intp)
    table = batch.RankTable(NeedTable.from_records([{"id": 1, "title": "甲"}]),
                            OfferTable.from_records([{"id": 2, "title": "乙"}]), codes, codes,
                            np.zeros((n, 1 + len(FACTORS)), np.int64), codes, ["理由"], 0.0)
    with pytest.raises(DomainError, match="超过 Excel 工作表的行数上限"):
        batch.write_sheet(table, tmp_path / "r.xlsx")
    assert not (tmp_path / "r.xlsx").exists()


def test_flask_rank_rejects_other_formats(cli, tmp_path):
    result = cli.invoke(args=["rank", "--out", str(tmp_path / "x.txt")])
    assert result.exit_code != 0
    assert ".xlsx" in result.output


def test_flask_rank_learn_needs_twenty_decisions(cli, users):
    sides = users["recipient"].organisation, users["supporter"].organisation
    dh.decide_all(dh.make_needs(*sides, 10), users["coordinator"], dh.money_offer)
    result = cli.invoke(args=["rank", "--learn"])
    assert result.exit_code == 0, result.output
    assert "需要至少 20 条有确认、也有其他候选的需求决定（现有 10 条）" in result.output
    assert weights.history() == []


def test_flask_rank_learn_adopts_better_weights(cli, users):
    sides = users["recipient"].organisation, users["supporter"].organisation
    dh.decide_all(dh.make_needs(*sides, 24), users["coordinator"], dh.money_offer)
    result = cli.invoke(args=["rank", "--learn"])
    assert result.exit_code == 0, result.output
    assert "协调员决定：确认 24 条、否决 0 条、谢绝 0 条" in result.output
    assert "需求 24 条（较早 17 条学习，最新 7 条留出检验）" in result.output
    assert "首位命中率 当前 0% 学习 100%" in result.output
    assert "已采用学习到的权重。" in result.output
    db.session.rollback()  # read what the command committed
    [saved] = weights.history()
    assert saved.kind == "learned" and saved.adopted_by_id is None  # from the command line
    assert saved.weights["budget"] > ctx_weights()["budget"]
    assert saved.accuracy > saved.default_accuracy and saved.n_decisions == 24
    assert weights.current_weights() == saved.weights


def ctx_weights():
    return weights.default_weights()


def test_current_weights_fall_back_to_config(ctx):
    assert weights.current_weights() == ctx.config["SCORING_WEIGHTS"]


def test_pending_organisations_are_not_ranked(ctx, users):
    """A verified organisation moved back to pending drops out of the candidates."""

    need = factories.make_need(users["recipient"].organisation, sector_code="0104",
                               region_code="540200")
    offer = factories.make_offer(users["supporter"].organisation, sectors=("0104",))
    db.session.commit()
    assert [c["offer_id"] for c in ranking.candidates_for_need(need)] == [offer.id]
    users["supporter"].organisation.status = "pending"
    db.session.commit()
    assert ranking.candidates_for_need(need) == []


def test_sheet_points_round_like_python():
    values = np.random.default_rng(0).random(10_000).astype(np.float32)
    values[:4] = [0.125, 0.005, 0.995, 1.0]
    assert batch.points(values).tolist() == [round(float(v) * 100) for v in values]
