"""Importing and exporting 清单: every bad input gets a Chinese message and nothing is saved."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Match, Need, Offer, Organisation, Region
from matchmaker.services.errors import DomainError
from matchmaker.services.lists.browse import Filters
from matchmaker.services.sheets import exports, imports, workbooks
from tests import factories
from tests.sheet_helpers import NEED_HEADERS, OFFER_HEADERS, need_row, offer_row, xlsx


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _plan(kind, data, org, *, draft=False, filename="a.xlsx"):
    sheet = workbooks.read_sheet(data, filename, imports.HEADERS[kind])
    return imports.check(kind, sheet, org=org, draft=draft)


def _messages(plan) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in plan.errors]


@pytest.fixture()
def org(ctx):
    return factories.make_org(name="日喀则市民政局（测试）", region_code="540200")


@pytest.fixture()
def user(org):
    return factories.make_user("recipient", org=org)


def _import(kind, data, org, user, **kw):
    plan = _plan(kind, data, org, **kw)
    assert plan.ok, _messages(plan) + [(0, "", m) for m in plan.file_errors]
    counts = imports.save(plan, by=user, filename="a.xlsx")
    db.session.commit()
    return counts


def test_clean_sheet_is_saved_published_with_an_audit_event(org, user):
    counts = _import("needs", xlsx([need_row("甲"), need_row("乙")]), org, user)
    assert counts["create"] == 2
    needs = db.session.scalars(select(Need).order_by(Need.title)).all()
    assert {n.status for n in needs} == {"published"}
    assert needs[0].budget_yuan == 125_000 and needs[0].region_code == "540222"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "need.import"))
    assert event.changes["create"] == 2 and event.user_id == user.id


def test_draft_import_keeps_rows_as_drafts(org, user):
    _import("needs", xlsx([need_row()]), org, user, draft=True)
    assert db.session.scalar(select(Need.status)) == "draft"


def test_unverified_org_may_import_drafts_only(ctx):
    pending = factories.make_org(region_code="540200", status="pending")
    plan = _plan("needs", xlsx([need_row()]), pending)
    assert "尚未通过审核" in plan.file_errors[0]
    assert _plan("needs", xlsx([need_row()]), pending, draft=True).ok


def test_wrong_headers_name_every_missing_column(org):
    plan = _plan("needs", xlsx([["a", "b"]], headers=["名称", "金额"]), org)
    assert not plan.ok
    assert "缺少必填列：项目名称、领域、受援地区、资金需求（万元）" in plan.file_errors[0]
    assert plan.ignored == ["名称", "金额"]


def test_unknown_columns_are_ignored_and_reported(org):
    plan = _plan("needs", xlsx([need_row() + ["x"]], headers=NEED_HEADERS + ["备注"]), org)
    assert plan.ok and plan.ignored == ["备注"]


def test_headers_with_half_width_brackets_and_spaces_are_recognised(org):
    headers = [h.replace("（", "(").replace("）", ")") for h in NEED_HEADERS]
    headers[0] = " 项目 名称 "
    assert _plan("needs", xlsx([need_row()], headers=headers), org).ok


def test_header_only_sheet_is_an_error(org):
    assert "没有数据行" in _plan("needs", xlsx([]), org).file_errors[0]


@pytest.mark.parametrize("value", ["2027-03-01", "2027/3/1", "2027年3月1日", 46447, "46447"])
def test_dates_as_text_and_as_excel_serials(org, user, value):
    _import("needs", xlsx([need_row(开始日期=value)]), org, user)
    assert str(db.session.scalar(select(Need.start_date))) == "2027-03-01"


def test_bad_date_gets_a_message(org):
    plan = _plan("needs", xlsx([need_row(开始日期="明年春天")]), org)
    assert (2, "开始日期", "日期“明年春天”格式不正确，请写作 2027-03-01。") in _messages(plan)


@pytest.mark.parametrize(("value", "yuan"), [("1,200", 12_000_000), ("１２.５", 125_000),
                                             ("12.5万元", 125_000), (0.5, 5_000)])
def test_wan_with_commas_and_full_width_digits(org, user, value, yuan):
    _import("needs", xlsx([need_row(**{"资金需求（万元）": value})]), org, user)
    assert db.session.scalar(select(Need.budget_yuan)) == yuan


@pytest.mark.parametrize("value", [-5, 0, "0", "-1.5"])
def test_negative_or_zero_budget_saves_nothing(org, user, value):
    bad = need_row("坏", **{"资金需求（万元）": value})
    plan = _plan("needs", xlsx([need_row("好"), bad]), org)
    assert _messages(plan) == [(3, "资金需求（万元）", "金额必须大于 0。")]
    with pytest.raises(DomainError):
        imports.save(plan, by=user)
    assert _count(Need) == 0


def test_unknown_sector_and_region(org):
    plan = _plan("needs", xlsx([need_row(领域="航天", 受援地区="火星县")]), org)
    assert (2, "领域", "未知领域：“航天”。") in _messages(plan)
    assert any(c == "受援地区" and "未知地区" in m for _, c, m in _messages(plan))


def test_region_outside_the_organisation_is_a_row_error(org):
    plan = _plan("needs", xlsx([need_row(受援地区="疏附县")]), org)
    assert any("不在本单位辖区内" in m for _, _, m in _messages(plan))


def test_ambiguous_region_name_asks_for_the_code(fresh_reference, org):
    db.session.add(Region(code="653199", name="江孜县", level="county", parent_code="653100",
                          province_code="650000"))
    db.session.commit()
    plan = _plan("needs", xlsx([need_row()]), org)
    ((row, column, message),) = _messages(plan)
    assert (row, column) == (2, "受援地区")
    assert "不唯一" in message and "540222" in message and "653199" in message
    assert _plan("needs", xlsx([need_row(受援地区="540222")]), org).ok


def test_same_sheet_imported_twice_creates_no_duplicates(org, user):
    data = xlsx([need_row("甲"), need_row("乙")])
    _import("needs", data, org, user)
    counts = _import("needs", data, org, user)
    assert counts == {"create": 0, "update": 0, "unchanged": 2, "duplicate": 0}
    assert _count(Need) == 2


def test_changed_row_updates_the_existing_need(org, user):
    _import("needs", xlsx([need_row("甲")]), org, user)
    counts = _import("needs", xlsx([need_row("甲", **{"资金需求（万元）": 20})]), org, user)
    assert counts["update"] == 1 and _count(Need) == 1
    assert db.session.scalar(select(Need.budget_yuan)) == 200_000


def test_need_with_a_live_match_is_reported_and_left_unchanged(org, user):
    need = factories.make_need(org, title="甲", region_code="540222", budget_yuan=125_000)
    offer = factories.make_offer(factories.make_org(region_code="310000"))
    db.session.add(Match(need=need, offer=offer, amount_yuan=10_000, status="confirmed"))
    db.session.commit()
    counts = _import("needs", xlsx([need_row("甲", **{"资金需求（万元）": 99})]), org, user)
    assert counts["duplicate"] == 1
    assert db.session.get(Need, need.id).budget_yuan == 125_000


def test_two_identical_rows_in_one_sheet_are_a_row_error(org):
    plan = _plan("needs", xlsx([need_row("甲"), need_row("乙"), need_row("甲")]), org)
    assert _messages(plan) == [(4, "项目名称", "与第 2 行重复（单位、项目名称和受援地区相同）。")]


def test_3000_character_title_is_refused(org):
    plan = _plan("needs", xlsx([need_row("长" * 3000)]), org)
    assert (2, "项目名称", "项目名称最多 200 字（现为 3000 字）。") in _messages(plan)


def test_html_in_text_fields_is_kept_as_text(org, user):
    _import("needs", xlsx([need_row("<script>alert(1)</script>", 项目简介="<b>粗</b>")]), org,
            user)
    assert db.session.scalar(select(Need.title)) == "<script>alert(1)</script>"


def test_every_row_error_is_reported_at_once(org):
    rows = [need_row("甲", 领域="航天"), need_row("乙", 联系电话="123"),
            need_row("", **{"资金需求（万元）": "abc"})]
    plan = _plan("needs", xlsx(rows), org)
    assert {(r, c) for r, c, _ in _messages(plan)} == {
        (2, "领域"), (3, "联系电话"), (4, "项目名称"), (4, "资金需求（万元）")}


def test_template_example_row_must_be_deleted(org):
    """Templates of earlier versions carried a marked example row among the data."""
    plan = _plan("needs", xlsx([need_row(imports.EXAMPLE_MARK + "示例")]), org)
    assert any("示例行" in m for _, _, m in _messages(plan))


def test_template_as_shipped_imports_nothing(org):
    plan = _plan("needs", exports.template("needs", org=org, with_org_column=False), org)
    assert plan.file_errors == ["文件只有表头，没有数据行。"] and not plan.rows


def test_unknown_region_suggests_the_closest_names(org):
    plan = _plan("needs", xlsx([need_row(受援地区="仲巴"), need_row("乙", 受援地区="江孜")]), org)
    messages = {r: m for r, c, m in _messages(plan) if c == "受援地区"}
    assert messages[2] == "未知地区：“仲巴”。您是否要填：仲巴县（540232）？"
    assert "江孜县（540222）" in messages[3]
    plan = _plan("needs", xlsx([need_row(受援地区="火星")]), org)
    assert "请填写西藏、新疆或兵团的地区名称或代码" in _messages(plan)[0][2]  # nothing close


def test_coordinator_import_resolves_organisations_by_name(org):
    headers = NEED_HEADERS + ["提交单位"]
    other = factories.make_org(name="拉萨市民政局（测试）", region_code="540100")
    rows = [need_row("甲") + [org.name], need_row("乙", 受援地区="城关区") + [other.name]]
    plan = _plan("needs", xlsx(rows, headers=headers), None)
    assert plan.ok, _messages(plan)
    imports.save(plan, by=None)
    owners = dict(db.session.execute(select(Need.title, Need.organisation_id)).all())
    assert owners == {"甲": org.id, "乙": other.id}


def test_unknown_organisation_is_a_row_error_and_never_created(org):
    orgs = _count(Organisation)
    rows = [need_row("甲") + ["不存在的单位"], need_row("乙") + [None]]
    plan = _plan("needs", xlsx(rows, headers=NEED_HEADERS + ["提交单位"]), None)
    assert [(r, c) for r, c, _ in _messages(plan)] == [(2, "提交单位"), (3, "提交单位")]
    assert "导入不会新建单位" in plan.errors[0].message
    assert _count(Organisation) == orgs and _count(Need) == 0


def test_without_org_the_organisation_column_is_required(org):
    assert "提交单位" in _plan("needs", xlsx([need_row()]), None).file_errors[0]


def test_offers_import_with_several_sectors_and_regions(ctx):
    supporter = factories.make_org(name="上海市合作交流办（测试）", region_code="310000")
    plan = _plan("offers", xlsx([offer_row(), offer_row("任意地区", 意向受援地区=None)],
                                headers=OFFER_HEADERS), supporter)
    assert plan.ok, _messages(plan)
    imports.save(plan, by=None)
    offers = {o.title: o for o in db.session.scalars(select(Offer))}
    assert offers["教师培训项目"].sector_codes == ["0103", "0104"]
    assert offers["教师培训项目"].target_region_codes == ["540200", "653100"]
    assert offers["任意地区"].target_region_codes == []


def test_offer_duplicates_are_by_title_so_changed_regions_update(ctx):
    supporter = factories.make_org(region_code="310000")
    _import("offers", xlsx([offer_row()], headers=OFFER_HEADERS), supporter, None)
    counts = _import("offers", xlsx([offer_row(意向受援地区="日喀则市")], headers=OFFER_HEADERS),
                     supporter, None)
    assert counts["update"] == 1 and _count(Offer) == 1
    assert db.session.scalar(select(Offer)).target_region_codes == ["540200"]


def _reimport(kind, data, org, user):
    return _import(kind, data, org, user)


def test_needs_export_reimports_unchanged(org, user):
    sparse = need_row("乙", 受益人数=None, 开始日期=None, 结束日期=None,
                      **{"资金需求（万元）": 0.0125})
    _import("needs", xlsx([need_row("甲"), sparse]), org, user)
    data = exports.export_list("needs", user, Filters())
    assert load_workbook(io.BytesIO(data)).sheetnames == ["项目需求清单", "对接结果"]
    assert _reimport("needs", data, org, user) == {
        "create": 0, "update": 0, "unchanged": 2, "duplicate": 0}


def test_offers_export_reimports_unchanged(ctx):
    supporter = factories.make_org(region_code="310000")
    member = factories.make_user("supporter", org=supporter)
    _import("offers", xlsx([offer_row(), offer_row("兵团", 意向受援地区="兵团第三师")],
                           headers=OFFER_HEADERS), supporter, member)
    data = exports.export_list("offers", member, Filters())
    assert _reimport("offers", data, supporter, member)["unchanged"] == 2


def test_export_follows_the_list_filters_and_masks_other_organisations_contacts(org, user):
    _import("needs", xlsx([need_row("教育项目"), need_row("卫生项目", 领域="医疗设备")]), org,
            user)
    outsider = factories.make_user("supporter")
    data = exports.export_list("needs", outsider, Filters(q="教育"))
    rows = list(load_workbook(io.BytesIO(data)).active.values)
    assert len(rows) == 2 and rows[1][0] == "教育项目"
    assert rows[1][8] == "次*" and rows[1][9] == "138****5678"
    own = list(load_workbook(io.BytesIO(exports.export_list("needs", user, Filters())))
               .active.values)
    assert own[1][9] == "13812345678"
    coordinator = factories.make_user("coordinator")
    staff = list(load_workbook(io.BytesIO(exports.export_list("needs", coordinator, Filters())))
                 .active.values)
    assert staff[1][9] == "13812345678"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "need.export")) == 3


def test_export_lists_live_matches_in_a_second_sheet(org, user):
    need = factories.make_need(org, title="甲")
    offer = factories.make_offer(factories.make_org(name="深圳市（测试）", region_code="440000"))
    db.session.add(Match(need=need, offer=offer, amount_yuan=50_000, status="accepted",
                         score=0.8123))
    db.session.add(Match(need=need, offer=factories.make_offer(offer.organisation),
                         amount_yuan=0, status="rejected"))
    db.session.commit()
    matches = load_workbook(io.BytesIO(exports.export_list("needs", user, Filters())))["对接结果"]
    rows = list(matches.values)
    assert rows[0] == tuple(exports.MATCH_HEADERS)
    assert rows[1:] == [("甲", org.name, offer.title, "深圳市（测试）", 5, "双方已接受", 81)]


def test_drafts_of_other_organisations_are_not_exported(org, user):
    factories.make_need(org, title="草稿", status="draft")
    outsider = factories.make_user("recipient")
    rows = list(load_workbook(io.BytesIO(exports.export_list("needs", outsider, Filters())))
                .active.values)
    assert len(rows) == 1


@pytest.mark.parametrize("kind", imports.KINDS)
def test_template_has_headers_instructions_and_sector_dropdown(org, kind):
    workbook = load_workbook(io.BytesIO(exports.template(kind, org=None,
                                                         with_org_column=True)))
    ws = workbook.active
    headers = list(imports.HEADERS[kind]) + ["提交单位"]
    assert [c.value for c in ws[1]] == headers and ws.max_row == 1
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list" and "领域列表" in validation.formula1
    assert "学前教育" in [r[0] for r in workbook["领域列表"].values]
    rows = list(workbook["填写说明"].values)
    assert list(rows[0]) == ["列名", "是否必填", "填写要求", "示例"]
    guide = {r[0]: r for r in rows[1:] if r[0]}
    for header in headers:
        required = header in imports.REQUIRED[kind] or header == "提交单位"
        assert guide[header][1] == ("必填" if required else "选填") and guide[header][2]
    text = "".join(str(v) for r in rows for v in r if v)
    assert "万元" in text and "2026-05-01" in text and "代码" in text and "下拉" in text
    assert not any(str(v).startswith(imports.EXAMPLE_MARK) for r in rows for v in r if v)


def test_error_report_joins_messages_without_doubled_punctuation(org):
    data = xlsx([need_row("甲", 领域="航天", 联系电话="123", 受援地区="仲巴")])
    sheet = workbooks.read_sheet(data, "a.xlsx", imports.HEADERS["needs"])
    report = exports.error_report(imports.check("needs", sheet, org=org), sheet)
    text = list(load_workbook(io.BytesIO(report)).active.values)[1][-1]
    assert "。；" not in text and text.count("；") == 2 and text.endswith("。")
    assert "领域：未知领域：“航天”；" in text


def test_error_report_has_the_original_columns_and_an_error_column(org):
    data = xlsx([need_row("甲"), need_row("乙", 领域="航天")])
    sheet = workbooks.read_sheet(data, "a.xlsx", imports.HEADERS["needs"])
    report = exports.error_report(imports.check("needs", sheet, org=org), sheet)
    rows = list(load_workbook(io.BytesIO(report)).active.values)
    assert list(rows[0]) == NEED_HEADERS + ["错误说明"]
    assert rows[1][-1] is None and rows[2][-1] == "领域：未知领域：“航天”。"


def test_mask_helpers():
    assert exports.mask_phone("13812345678") == "138****5678"
    assert exports.mask_phone("0891-6332211") == "089****2211"
    assert exports.mask_phone("12") == "****"
    assert exports.mask_name("次仁多吉") == "次***"


def test_preview_tells_unchanged_rows_from_updates(org, user):
    _import("needs", xlsx([need_row("甲"), need_row("乙")]), org, user)
    plan = _plan("needs", xlsx([need_row("甲"), need_row("乙", 受益人数=1)]), org)
    assert {r.action for r in plan.rows} == {"unchanged", "update"}


def test_publishing_import_publishes_existing_drafts(org, user):
    _import("needs", xlsx([need_row()]), org, user, draft=True)
    counts = _import("needs", xlsx([need_row()]), org, user)
    assert counts["update"] == 1
    assert db.session.scalar(select(Need.status)) == "published"
