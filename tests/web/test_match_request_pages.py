"""申请对接 pages: a side asks on its candidates page, the coordinator sees it on the home
page and the queue, confirms it (the normal 确认对接) or declines it with a reason."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Match, MatchRequest, Notification
from tests import factories
from tests.conftest import login


def _pair(users):
    need = factories.make_need(users["recipient"].organisation, title="江孜县乡村教师培训",
                               region_code="540222", sector_code="0104", budget_yuan=350_000)
    offer = factories.make_offer(users["supporter"].organisation, title="基层教师能力提升",
                                 sectors=("0104",), regions=("540222",), budget_yuan=600_000)
    db.session.commit()
    return need, offer


def _ask(post_form, page, need, offer, note="双方已初步沟通"):
    return post_form("/matches/requests", {"need_id": need.id, "offer_id": offer.id,
                                           "note": note}, page=page, follow_redirects=True)


def test_supporter_asks_and_sees_it_waiting(client, login_as, users, post_form):
    need, offer = _pair(users)
    login_as("supporter")
    page = f"/matches/offer/{offer.id}"
    html = client.get(page).get_data(as_text=True)
    assert "申请对接" in html and "江孜县乡村教师培训" in html
    assert "/matches/confirm" not in html and "确认对接" not in html
    html = _ask(post_form, page, need, offer).get_data(as_text=True)
    assert "已申请对接，协调员将在工作台处理" in html
    assert 'data-testid="request-open"' in html and "双方已初步沟通" in html
    assert users["supporter"].display_name in html
    req = db.session.scalar(select(MatchRequest))
    assert (req.side, req.status, req.requested_by_id) == ("offer", "open", users["supporter"].id)
    html = _ask(post_form, page, need, offer).get_data(as_text=True)  # a second time
    assert "已申请对接，正等待协调员处理" in html
    assert len(db.session.scalars(select(MatchRequest)).all()) == 1


def test_recipient_asks_from_its_need(client, login_as, users, post_form):
    need, offer = _pair(users)
    login_as("recipient")
    html = _ask(post_form, f"/matches/need/{need.id}", need, offer, note="").get_data(
        as_text=True)
    assert "已申请对接" in html
    assert db.session.scalar(select(MatchRequest.side)) == "need"


def test_another_organisation_of_the_same_role_is_refused(client, users, post_form):
    need, offer = _pair(users)
    other = factories.make_user("supporter")
    db.session.commit()
    login(client, other.email)
    response = post_form("/matches/requests", {"need_id": need.id, "offer_id": offer.id},
                         page="/home")
    assert response.status_code == 403
    assert db.session.scalar(select(MatchRequest)) is None


def test_coordinator_sees_who_asked_and_confirms(client, login_as, users, post_form):
    need, offer = _pair(users)
    login_as("supporter")
    _ask(post_form, f"/matches/offer/{offer.id}", need, offer)
    post_form("/logout", page="/home")
    login_as("coordinator")
    home = client.get("/home").get_data(as_text=True)
    assert 'data-testid="queue-requests"' in home and "对接申请（1）" in home
    assert users["supporter"].display_name in home
    queue = client.get("/matches/requests").get_data(as_text=True)
    assert "江孜县乡村教师培训" in queue and "双方已初步沟通" in queue
    assert users["supporter"].organisation.name in queue and "供给方" in queue
    assert 'value="35"' in queue  # the default amount: what the need still lacks
    response = post_form("/matches/confirm", {"need_id": need.id, "offer_id": offer.id,
                                              "amount_wan": "35", "back": "/matches/requests"},
                         page="/matches/requests")
    match = db.session.scalar(select(Match))
    assert response.headers["Location"].endswith(f"/matches/{match.id}")
    req = db.session.scalar(select(MatchRequest))
    assert (req.status, req.match_id) == ("done", match.id)
    queue = client.get("/matches/requests").get_data(as_text=True)
    assert 'data-testid="no-requests"' in queue and "已确认对接" in queue


def test_coordinator_declines_with_a_reason_and_the_asker_is_told(
        client, login_as, users, post_form):
    need, offer = _pair(users)
    login_as("recipient")
    _ask(post_form, f"/matches/need/{need.id}", need, offer)
    req = db.session.scalar(select(MatchRequest))
    post_form("/logout", page="/home")
    login_as("coordinator")
    html = post_form(f"/matches/requests/{req.id}/decline", {"reason": ""},
                     page="/matches/requests", follow_redirects=True).get_data(as_text=True)
    assert "请填写不采纳的理由" in html
    html = post_form(f"/matches/requests/{req.id}/decline", {"reason": "供给方本年度资金已安排"},
                     page="/matches/requests", follow_redirects=True).get_data(as_text=True)
    assert "已不采纳该申请" in html and "供给方本年度资金已安排" in html
    db.session.expire_all()
    assert db.session.get(MatchRequest, req.id).status == "declined"
    note = db.session.scalar(select(Notification).where(
        Notification.user_id == users["recipient"].id))
    assert "未被采纳" in note.text and "供给方本年度资金已安排" in note.text
    post_form("/logout", page="/home")
    login_as("recipient")
    page = client.get(f"/matches/need/{need.id}").get_data(as_text=True)
    assert "协调员未采纳" in page and "供给方本年度资金已安排" in page


def test_audit_log_names_the_request_in_chinese(client, login_as, users, post_form):
    need, offer = _pair(users)
    login_as("supporter")
    _ask(post_form, f"/matches/offer/{offer.id}", need, offer)
    post_form("/logout", page="/home")
    login_as("coordinator")
    html = client.get("/audit?entity=MatchRequest").get_data(as_text=True)
    assert "申请对接" in html and "对接申请 #" in html and "申请方：— → 供给方" in html
    # 操作人 by name, the pair by titles (not e-mails and bare ids)
    assert users["supporter"].display_name in html
    assert "需求：— → 江孜县乡村教师培训" in html and "供给：— → 基层教师能力提升" in html
