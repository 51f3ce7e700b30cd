"""Screening pages: list upload (admins), review queue with evidence, decisions; CLI."""

from __future__ import annotations

import io

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, BlacklistEntry, ScreeningHit
from tests import factories

CSV = ("名称,名单类型,批次,发布机关,发布日期,来源网址\n"
       "中国区块链委员会,涉嫌非法社会组织名单,2021年第一批,民政部,2021-03-22,"
       "https://www.mca.gov.cn/example\n")


def _upload(post_form, text=CSV, name="list.csv"):
    return post_form("/screening/lists", {"file": (io.BytesIO(text.encode()), name)},
                     "/screening/lists", content_type="multipart/form-data")


def test_admin_imports_list_and_queue_shows_evidence(client, login_as, post_form):
    org = factories.make_org(name="中华区块链协会", kind="social_org",
                             uscc="53100000500019795A")
    db.session.commit()
    login_as("admin")
    response = _upload(post_form)
    assert response.status_code == 302
    assert db.session.scalar(select(BlacklistEntry.name)) == "中国区块链委员会"
    html = client.get("/screening").get_data(as_text=True)
    assert org.name in html and "中国区块链委员会" in html and "2021年第一批" in html
    assert "名称近似" in html and "53100000500019795A" in html


def test_bad_upload_is_422_not_500(client, login_as, post_form):
    login_as("admin")
    assert _upload(post_form, "名称\n甲\n").status_code == 422
    assert _upload(post_form, "garbage", "x.pdf").status_code == 422
    assert post_form("/screening/lists", {}, "/screening/lists").status_code == 422


def _hit(users):
    org = factories.make_org(name="中国区块链委员会", kind="social_org")
    entry = BlacklistEntry(name="中国区块链委员会", name_key="区块链", list_type="suspected")
    db.session.add(entry)
    db.session.flush()
    hit = ScreeningHit(organisation_id=org.id, entry_id=entry.id, kind="exact", score=1.0,
                       screened_name=org.name, detail="名称与名单一致", status="open", note="")
    db.session.add(hit)
    db.session.commit()
    return org, hit


def test_coordinator_suspends_from_queue(client, login_as, post_form, users):
    org, hit = _hit(users)
    login_as("coordinator")
    response = post_form(f"/screening/hits/{hit.id}",
                         {"decision": "suspend", "note": "与名单一致"}, "/screening")
    assert response.status_code == 302
    db.session.refresh(org)
    db.session.refresh(hit)
    assert org.status == "suspended" and hit.status == "suspended"
    assert "没有待复核的筛查线索" in client.get("/screening").get_data(as_text=True)


def test_admin_suspend_needs_password(client, login_as, post_form, users):
    org, hit = _hit(users)
    login_as("admin")
    post_form(f"/screening/hits/{hit.id}", {"decision": "suspend", "note": "x",
                                            "password": "nope"}, "/screening")
    db.session.refresh(org)
    assert org.status == "verified"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reauth.failure"))
    post_form(f"/screening/hits/{hit.id}", {"decision": "suspend", "note": "x",
                                            "password": factories.PASSWORD}, "/screening")
    db.session.refresh(org)
    assert org.status == "suspended"


def test_clear_needs_a_note(client, login_as, post_form, users):
    _org, hit = _hit(users)
    login_as("coordinator")
    post_form(f"/screening/hits/{hit.id}", {"decision": "clear", "note": ""}, "/screening")
    db.session.refresh(hit)
    assert hit.status == "open"
    assert post_form("/screening/hits/999999", {"decision": "clear", "note": "x"},
                     "/screening").status_code == 404


def test_flask_screen_command(app, ctx):
    factories.make_org(name="全国区块链委员会", kind="social_org")
    db.session.add(BlacklistEntry(name="中国区块链委员会", name_key="区块链",
                                  list_type="banned"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["screen"])
    assert result.exit_code == 0 and "新发现线索" in result.output
    assert db.session.scalar(select(ScreeningHit.kind).where(ScreeningHit.kind == "similar")) \
        or db.session.scalar(select(ScreeningHit.kind).where(ScreeningHit.kind == "exact"))


def test_without_an_imported_list_the_pages_say_nothing_was_screened(client, login_as, users):
    login_as("coordinator")
    html = client.get("/screening").get_data(as_text=True)
    assert "没有进行任何筛查" in html and "没有待复核的筛查线索" not in html
    org_page = client.get(f"/orgs/{users['supporter'].organisation_id}").get_data(as_text=True)
    assert "尚未导入非法社会组织名单，未进行筛查" in org_page
    assert "未发现相符或近似的记录" not in org_page
    template = client.get("/screening/lists/template.xlsx")
    assert template.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook
    headers = [c.value for c in load_workbook(BytesIO(template.data)).active[1]]
    assert headers[:2] == ["名称", "名单类型"]
