"""需求清单 pages: creating, validating, browsing, status changes, deleting drafts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Need
from tests import factories
from tests.conftest import csrf_from

VALID = {"title": "江孜县乡村教师培训", "sector": "0104", "region": "540222",
         "budget_wan": "35", "beneficiaries": "120", "start_date": "2027-03-01",
         "end_date": "2027-12-31", "description": "培训乡村教师 120 名", "contact_name": "次仁",
         "contact_phone": "0892-8821234", "publish": "1"}


def _count() -> int:
    return db.session.scalar(select(func.count(Need.id)))


@pytest.fixture()
def recipient(login_as, users):
    return login_as("recipient")


def test_recipient_publishes_a_need(client, recipient, post_form):
    response = post_form("/needs/new", VALID, page="/needs/new")
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert need.status == "published" and need.budget_yuan == 350_000
    assert need.region_code == "540222" and need.beneficiaries == 120
    assert need.organisation_id == recipient.organisation_id
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "江孜县乡村教师培训" in html and "0892-8821234" in html
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "need.create"))


def test_save_as_draft(client, recipient, post_form):
    data = {**VALID}
    data.pop("publish")
    data["save_draft"] = "1"
    assert post_form("/needs/new", data, page="/needs/new").status_code == 302
    assert db.session.scalar(select(Need.status)) == "draft"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("budget_wan", "-5", "金额必须大于 0"),
        ("budget_wan", "0", "金额必须大于 0"),
        ("budget_wan", "十万", "不是数字"),
        ("region", "653100", "不在本单位辖区内"),
        ("region", "999999", "未知地区"),
        ("sector", "9999", "未知领域"),
        ("title", "长" * 3000, "最多 200 字"),
        ("end_date", "2026-01-01", "结束日期不能早于开始日期"),
        ("start_date", "2027-02-30", "不存在"),
        ("contact_phone", "12345", "联系电话应为手机号"),
        ("beneficiaries", "-3", "不小于 0 的整数"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_saves_nothing(recipient, post_form, field,
                                                             value, message):
    response = post_form("/needs/new", {**VALID, field: value}, page="/needs/new")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count() == 0


def test_full_width_budget_is_understood(recipient, post_form):
    post_form("/needs/new", {**VALID, "budget_wan": "１２.５"}, page="/needs/new")
    assert db.session.scalar(select(Need.budget_yuan)) == 125_000


def test_html_in_text_is_shown_escaped(client, recipient, post_form):
    evil = '<script>alert("x")</script>'
    response = post_form("/needs/new", {**VALID, "title": evil, "description": evil},
                         page="/needs/new")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert evil not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("status", ["pending", "suspended"])
def test_organisation_not_in_good_standing_posts_nothing(client, ctx, post_form, status):
    from tests.conftest import login

    org = factories.make_org(status=status)
    user = factories.make_user("recipient", org=org)
    db.session.commit()
    login(client, user.email)
    assert client.get("/needs/new").status_code == 403
    draft = {**VALID, "save_draft": "1"}
    draft.pop("publish")
    html = client.get("/needs").get_data(as_text=True)
    assert "/needs/new" not in html  # no button that would only be refused
    for data in (VALID, draft):
        payload = {"csrf_token": csrf_from(client.get("/profile").get_data(as_text=True)),
                   **data}
        assert client.post("/needs/new", data=payload).status_code == 403
    assert _count() == 0


def test_drafts_are_invisible_to_other_organisations(client, login_as, users):
    draft = factories.make_need(users["recipient"].organisation, status="draft",
                                title="内部草稿需求")
    other = factories.make_user("recipient")
    db.session.commit()
    from tests.conftest import login

    login(client, other.email)
    assert client.get(f"/needs/{draft.id}").status_code == 404
    assert "内部草稿需求" not in client.get("/needs").get_data(as_text=True)


def test_other_organisation_cannot_edit(client, users):
    need = factories.make_need(users["recipient"].organisation)
    other = factories.make_user("recipient")
    db.session.commit()
    from tests.conftest import login

    login(client, other.email)
    assert client.get(f"/needs/{need.id}/edit").status_code == 403


def test_edit_keeps_values_and_records_changes(client, recipient, post_form):
    need = factories.make_need(recipient.organisation, title="旧名称", budget_yuan=100_000)
    db.session.commit()
    form = client.get(f"/needs/{need.id}/edit").get_data(as_text=True)
    assert 'value="10"' in form and "旧名称" in form
    response = post_form(f"/needs/{need.id}/edit", {**VALID, "title": "新名称"},
                         page=f"/needs/{need.id}/edit")
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "need.update"))
    assert event.changes["title"] == ["旧名称", "新名称"]


def test_close_reopen_and_coordinator_close(client, recipient, post_form, users):
    need = factories.make_need(recipient.organisation)
    db.session.commit()
    post_form(f"/needs/{need.id}/status", {"action": "close"}, page=f"/needs/{need.id}")
    db.session.expire_all()
    assert db.session.get(Need, need.id).status == "closed"
    post_form(f"/needs/{need.id}/status", {"action": "reopen"}, page=f"/needs/{need.id}")
    db.session.expire_all()
    assert db.session.get(Need, need.id).status == "published"


def test_delete_draft_after_confirmation_only(client, recipient, post_form):
    draft = factories.make_need(recipient.organisation, status="draft")
    published = factories.make_need(recipient.organisation)
    db.session.commit()
    page = client.get(f"/needs/{draft.id}/delete").get_data(as_text=True)
    assert "确定删除这份草稿" in page
    assert _count() == 2
    post_form(f"/needs/{draft.id}/delete", page=f"/needs/{draft.id}")
    assert _count() == 1
    assert client.get(f"/needs/{published.id}/delete").status_code == 200
    response = post_form(f"/needs/{published.id}/delete", page=f"/needs/{published.id}")
    assert response.status_code == 302
    assert _count() == 1  # published needs are closed, not deleted


def test_contact_is_hidden_from_other_organisations(client, login_as, users, post_form):
    need = factories.make_need(users["recipient"].organisation, contact_phone="13812345678")
    db.session.commit()
    login_as("supporter")
    html = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "13812345678" not in html and "仅对协调员和对接双方可见" in html
    post_form("/logout", page="/home")
    login_as("coordinator")
    assert "13812345678" in client.get(f"/needs/{need.id}").get_data(as_text=True)


def test_list_search_filters_and_pagination(client, login_as, users):
    org = users["recipient"].organisation
    factories.make_need(org, title="江孜县乡村教师培训", sector_code="0104",
                        region_code="540222", budget_yuan=350_000)
    factories.make_need(org, title="定日县敬老院改造", sector_code="0801",
                        region_code="540223", budget_yuan=1_200_000)
    for n in range(25):
        factories.make_need(org, title=f"批量需求{n}", sector_code="0602", budget_yuan=60_000)
    db.session.commit()
    login_as("supporter")

    def titles(**args):
        return client.get("/needs", query_string=args).get_data(as_text=True)

    assert "江孜县乡村教师培训" in titles(q="教师 培训")
    assert "定日县敬老院改造" not in titles(q="教师")
    assert "江孜县乡村教师培训" in titles(sector="01")  # parent sector finds the child
    assert "定日县敬老院改造" not in titles(sector="01")
    by_region = titles(region="540222")
    assert "江孜县乡村教师培训" in by_region and "定日县敬老院改造" not in by_region
    assert "定日县敬老院改造" in titles(min_wan="100")
    assert "江孜县乡村教师培训" not in titles(min_wan="100")
    first = titles(sort="budget_desc")
    assert first.index("定日县敬老院改造") < first.index("江孜县乡村教师培训")
    assert "下一页" in titles() and "共 27 项" in titles()
    assert client.get("/needs?page=99").status_code == 404
    assert client.get("/needs?min_wan=abc&sort=zzz&sector=x").status_code == 200


def test_nul_bytes_are_refused_at_the_edge(client, recipient, post_form):
    response = post_form("/needs/new", {**VALID, "title": "教师\x00培训"}, page="/needs/new")
    assert response.status_code == 400
    assert "U+0000" in response.get_data(as_text=True)
    assert _count() == 0
    assert client.get("/needs?q=%00").status_code == 400
