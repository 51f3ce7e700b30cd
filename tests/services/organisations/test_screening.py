"""Screening against 非法社会组织 lists: normalisation, import, hits, decisions."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, BlacklistEntry, ScreeningHit
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.services.organisations import blacklist, directory, namematch, screening
from tests import factories

CSV = (
    "名称,名单类型,批次,发布机关,发布日期,来源网址,统一社会信用代码\n"
    "中国现代硬笔书法研究会,涉嫌非法社会组织名单,2021年第一批,民政部,2021-03-22,"
    "https://www.mca.gov.cn/x,\n"
    "中国区块链委员会,取缔名单,2021年第二批,民政部,2021/4/6,,\n"
    "某某公益联合会,取缔名单,2021年第二批,民政部,2021年4月6日,,53100000500019795A\n"
)


def _import(text: str = CSV, name: str = "list.csv"):
    plan = blacklist.parse(text.encode("utf-8-sig"), name)
    assert plan.ok, plan.errors
    return blacklist.save(plan, by=None, filename=name)


@pytest.mark.parametrize(("a", "b"), [
    ("中国现代硬笔书法研究会", "中国 现代硬笔书法研究会"),
    ("中国现代硬笔书法研究会", "中国现代硬笔书法协会"),
    ("中国现代硬笔书法研究会", "中华现代硬笔书法研究会（筹）"),
    ("ＡＢＣ国际交流协会", "abc国际交流协会"),
    ("中国区块链委员会", "全国区块链委员会"),
])
def test_lookalikes_match(a, b):
    assert namematch.is_lookalike(b, a)


@pytest.mark.parametrize(("listed", "legal"), [
    ("中国现代硬笔书法研究会", "中国硬笔书法协会"),
    ("中国志愿者协会", "中国青年志愿者协会"),
    ("中国美丽乡村产业发展委员会", "中国乡村发展基金会"),
    ("中国志愿者协会", "上海市志愿者协会"),
])
def test_legal_lookalikes_do_not_match(listed, legal):
    assert not namematch.is_lookalike(legal, listed)


def test_special_name_warning_depends_on_national_registration():
    assert namematch.special_name_warning("中华文化促进会", "social_org", "53100000500019795A") \
        is None
    assert "中华" in namematch.special_name_warning("上海中华文化促进会", "social_org",
                                                     "51310000MJ0000000X")
    assert namematch.special_name_warning("中国某局", "bureau", None) is None
    assert namematch.special_name_warning("世界和平基金会", "social_org", None)


def test_import_stores_entries_and_skips_repeats(ctx):
    assert _import() == (3, 0, 0)
    entry = db.session.scalar(select(BlacklistEntry).where(BlacklistEntry.uscc.is_not(None)))
    assert entry.list_type == "banned" and entry.published_on.isoformat() == "2021-04-06"
    assert _import()[:2] == (0, 3)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "blacklist.import"))


def test_import_xlsx(ctx):
    wb = Workbook()
    ws = wb.active
    ws.append(["2021年第三批涉嫌非法社会组织名单"])
    ws.append(blacklist.HEADERS)
    ws.append(["中国支教联盟", "涉嫌", "2021年第三批", "民政部", None, None, None])
    out = io.BytesIO()
    wb.save(out)
    plan = blacklist.parse(out.getvalue(), "list.xlsx")
    assert plan.ok and plan.entries[0]["name"] == "中国支教联盟"


@pytest.mark.parametrize(("text", "message"), [
    ("名称,批次\n甲,1\n", "缺少必需的列：名单类型"),
    ("名称,名单类型,发布日期\n甲,未知,2021-01-01\n", "名单类型须为"),
    ("名称,名单类型,发布日期\n甲,取缔,2021-13-45\n", "发布日期格式"),
    ("名称,名单类型,统一社会信用代码\n甲,取缔,53100000500019795B\n", "校验位"),
])
def test_import_rejects_bad_rows(ctx, text, message):
    plan = blacklist.parse(text.encode(), "x.csv")
    assert not plan.ok and message in " ".join(plan.errors)


def test_import_rejects_unreadable_file(ctx):
    with pytest.raises(DomainError):
        blacklist.parse(b"\x00\x01garbage", "x.xlsx")


def test_organisation_screened_on_creation(ctx):
    _import()
    org, warnings = directory.create_organisation(
        name="中华 现代硬笔书法协会", kind="social_org", region_code="310000",
        legal_form="社会团体", status="pending")
    kinds = {h.kind for h in screening.hits_for(org)}
    assert kinds == {"similar", "special_name"}
    assert any("非法社会组织名单" in w for w in warnings)
    assert any("特殊名称" in w or "中华" in w for w in warnings)


def test_credit_code_match(ctx):
    _import()
    org, _ = directory.create_organisation(
        name="完全不同的名字", kind="social_org", region_code="310000",
        uscc_code="53100000500019795A", legal_form="基金会", status="pending")
    assert [h.kind for h in screening.hits_for(org)] == ["uscc"]


def test_import_screens_existing_organisations_and_rescreen_adds_nothing(ctx):
    org = factories.make_org(name="中国区块链委员会", kind="social_org")
    _added, _held, hits = _import()
    assert hits >= 1
    exact = db.session.scalar(select(ScreeningHit).where(ScreeningHit.kind == "exact"))
    assert exact.organisation_id == org.id and exact.entry.name == "中国区块链委员会"
    assert screening.screen_all() == 0


def test_decide_clear_and_suspend(ctx):
    coordinator = factories.make_user("coordinator")
    org = factories.make_org(name="中国区块链委员会", kind="social_org")
    _import()
    hit = screening.hits_for(org)[0]
    with pytest.raises(DomainError):
        screening.decide(hit, "clear", " ", by=coordinator)
    screening.decide(hit, "suspend", "与名单为同一组织", by=coordinator)
    assert org.status == "suspended" and hit.status == "suspended"
    assert "名单筛查" in org.status_reason
    with pytest.raises(Conflict):
        screening.decide(hit, "clear", "再次处理", by=coordinator)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"screening.suspended", "organisation.status", "screening.hit"} <= actions


def test_cleared_hit_is_not_raised_again(ctx):
    coordinator = factories.make_user("coordinator")
    org = factories.make_org(name="中国区块链委员会", kind="social_org")
    _import()
    for hit in screening.hits_for(org):
        screening.decide(hit, "clear", "已核实", by=coordinator)
    assert screening.screen_all() == 0
    assert screening.open_count() == 0
