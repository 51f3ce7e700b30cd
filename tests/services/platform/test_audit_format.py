"""The audit log in words a clerk reads: Chinese labels and action names, 万元, names for
codes and ids, dates in Chinese form, users by name (not e-mail)."""

from __future__ import annotations

from io import BytesIO

import openpyxl
from sqlalchemy import select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import AuditEvent
from matchmaker.services.platform import audit, audit_history, audit_search
from matchmaker.services.platform.audit_format import format_changes, show_value
from tests import factories


def test_money_codes_lists_and_nested_values_read_as_words(ctx):
    words = format_changes({
        "budget_yuan": [None, 800_000],
        "sector_codes": [["0104"], ["0104", "1001"]],
        "region_code": [None, "540200"],
        "status": ["draft", "published"],
        "kind": [None, "social_org"],
        "filters": {"organisation_id": None, "province": "540000"},
        "end_date": [None, "2027-04-01"],
    })
    assert "资金：— → 80 万元" in words
    assert "budget_yuan" not in words and "800000" not in words
    assert "0104" not in words and "1001" not in words and "、" in words
    assert "日喀则市" in words and "540200" not in words
    assert "状态：草稿 → 已发布" in words
    assert "类型：— → 社会组织" in words
    assert "筛选条件：省份 西藏自治区" in words and "None" not in words
    assert "结束日期：— → 2027年4月1日" in words


def test_ids_of_needs_offers_and_organisations_read_as_their_names(ctx):
    org = factories.make_org(name="日喀则市民政局")
    need = factories.make_need(org, title="江孜县乡村教师培训")
    offer = factories.make_offer(factories.make_org(name="上海市民政局"), title="教师能力提升")
    words = format_changes({"need_id": [None, need.id], "offer_id": [None, offer.id],
                            "organisation_id": [None, org.id]})
    assert words == ("需求：— → 江孜县乡村教师培训；供给：— → 教师能力提升；"
                     "单位：— → 日喀则市民政局")
    assert show_value("need_id", 987654321) == "#987654321"  # a deleted draft


def test_every_recorded_action_has_a_chinese_label():
    for action in ("need.create", "offer.create", "need.export", "user.create",
                   "match_request.create", "match_request.declined", "match_request.done",
                   "match.confirmed", "organisation.status"):
        label = audit_history.ACTION_LABELS[action]
        assert label and label.isascii() is False


def test_the_log_and_its_export_name_the_user(ctx):
    user = factories.make_user("coordinator", display_name="王协调")
    need = factories.make_need(factories.make_org())
    unit_of_work.run(lambda: audit.record("need.update", user=user, entity=need,
                                          changes={"budget_yuan": [100_000, 200_000]}))
    events = db.session.scalars(select(AuditEvent)).all()
    audit_history.name_actors(events)
    assert events[0].actor_name == "王协调"
    filters = audit_search.AuditFilters.from_args({})
    assert audit_search._actor(events[0]) == f"王协调（{user.email}）"
    data, count = unit_of_work.run(lambda: audit_search.export_xlsx(filters, by=user))
    row = next(openpyxl.load_workbook(BytesIO(data)).active.iter_rows(min_row=2,
                                                                       values_only=True))
    assert count == 1 and row[1] == f"王协调（{user.email}）" and row[4] == "需求"
    assert "资金：10 万元 → 20 万元" in row[-1]


def test_the_log_is_searched_by_name_or_e_mail(ctx):
    wang = factories.make_user("coordinator", display_name="王协调")
    li = factories.make_user("admin", display_name="李管理")
    for user in (wang, li):
        audit.record("logout", user=user)
    db.session.commit()

    def actors(text):
        found = db.session.scalars(audit_search.query(
            audit_search.AuditFilters.from_args({"user": text}))).all()
        return {e.user_id for e in found}

    assert actors("王协") == {wang.id}
    assert actors(li.email.upper()) == {li.id}
    assert actors("无此人") == set()
