"""对接 pages: candidates, confirm/reject, the match page and both sides' actions."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Match, Offer
from matchmaker.services.matching.figures import beijing_today
from tests import factories
from tests.conftest import login


def _pair(users):
    need = factories.make_need(users["recipient"].organisation, title="江孜县乡村教师培训",
                               region_code="540222", sector_code="0104", budget_yuan=350_000)
    offer = factories.make_offer(users["supporter"].organisation, title="基层教师能力提升",
                                 sectors=("0104",), regions=("540222",), budget_yuan=600_000)
    db.session.commit()
    return need, offer


def test_coordinator_sees_ranked_candidates_with_reasons(client, login_as, users):
    need, offer = _pair(users)
    login_as("coordinator")
    html = client.get(f"/matches/need/{need.id}").get_data(as_text=True)
    assert "基层教师能力提升" in html and "确认对接" in html
    assert "<meter" in html and "领域一致" in html
    assert 'value="35"' in html  # default amount: the smaller of need and offer money
    reverse = client.get(f"/matches/offer/{offer.id}").get_data(as_text=True)
    assert "江孜县乡村教师培训" in reverse


def test_owner_sees_candidates_without_decision_buttons(client, login_as, users):
    need, _ = _pair(users)
    login_as("recipient")
    html = client.get(f"/matches/need/{need.id}").get_data(as_text=True)
    assert "基层教师能力提升" in html and "确认对接" not in html


def test_min_score_filter(client, login_as, users):
    need, _ = _pair(users)
    login_as("coordinator")
    html = client.get(f"/matches/need/{need.id}?min_score=100").get_data(as_text=True)
    assert "基层教师能力提升" not in html and "暂无符合条件的推荐" in html


def test_confirm_then_both_accept_then_complete(client, login_as, users, post_form):
    need, offer = _pair(users)
    login_as("coordinator")
    page = f"/matches/need/{need.id}"
    response = post_form("/matches/confirm", {"need_id": need.id, "offer_id": offer.id,
                                              "amount_wan": "30", "note": "首批",
                                              "back": page}, page=page)
    assert response.status_code == 302
    match = db.session.scalar(select(Match))
    assert match.amount_yuan == 300_000 and match.score is not None
    detail = f"/matches/{match.id}"
    post_form("/logout", page="/home")

    login_as("recipient")
    assert "接受对接" in client.get(detail).get_data(as_text=True)
    post_form(f"{detail}/accept", page=detail)
    post_form("/logout", page="/home")
    login_as("supporter")
    post_form(f"{detail}/accept", page=detail)
    db.session.expire_all()
    assert db.session.get(Match, match.id).status == "accepted"
    post_form("/logout", page="/home")

    login_as("recipient")
    figures_ = {"completed_on": beijing_today().isoformat(), "delivered_wan": "29.5",
                "result_text": "培训教师 118 名"}
    shown = post_form(f"{detail}/complete", figures_, page=detail)
    assert shown.status_code == 200  # the confirmation step shows the figures first
    html = shown.get_data(as_text=True)
    assert "确认报告完成" in html and 'data-testid="confirm-delivered">29.5<' in html
    db.session.expire_all()
    assert db.session.get(Match, match.id).status == "accepted"  # nothing saved yet
    post_form(f"{detail}/complete", {**figures_, "confirmed": "1"}, page=detail)
    db.session.expire_all()
    done = db.session.get(Match, match.id)
    assert done.status == "completed" and done.delivered_yuan == 295_000
    assert done.delivery_status == "pending"
    html = client.get(detail).get_data(as_text=True)
    assert "报告完成" in html and "双方均已接受" in html and "待供给方确认" in html
    post_form("/logout", page="/home")

    login_as("supporter")
    assert "确认到位资金无误" in client.get(detail).get_data(as_text=True)
    post_form(f"{detail}/confirm-delivery", page=detail)
    db.session.expire_all()
    assert db.session.get(Match, match.id).delivery_status == "confirmed"
    assert "供给方已确认" in client.get(detail).get_data(as_text=True)


def test_overspending_confirmation_is_refused_with_a_message(client, login_as, users,
                                                             post_form):
    need, offer = _pair(users)
    login_as("coordinator")
    page = f"/matches/need/{need.id}"
    response = post_form("/matches/confirm", {"need_id": need.id, "offer_id": offer.id,
                                              "amount_wan": "80", "back": page}, page=page)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "剩余资金不足" in html or "超过需求尚未落实" in html
    assert db.session.scalar(select(func.count(Match.id))) == 0
    assert db.session.get(Offer, offer.id).committed_yuan == 0


def test_reject_removes_the_pair_from_candidates(client, login_as, users, post_form):
    need, offer = _pair(users)
    login_as("coordinator")
    page = f"/matches/need/{need.id}"
    post_form("/matches/reject", {"need_id": need.id, "offer_id": offer.id,
                                  "note": "领域不符", "back": page}, page=page)
    assert db.session.scalar(select(Match.status)) == "rejected"
    assert "基层教师能力提升" not in client.get(page).get_data(as_text=True)


def test_outsiders_cannot_see_a_match(client, users, post_form, login_as):
    need, offer = _pair(users)
    login_as("coordinator")
    page = f"/matches/need/{need.id}"
    post_form("/matches/confirm", {"need_id": need.id, "offer_id": offer.id,
                                   "amount_wan": "10", "back": page}, page=page)
    match_id = db.session.scalar(select(Match.id))
    post_form("/logout", page="/home")
    outsider = factories.make_user("supporter")
    db.session.commit()
    login(client, outsider.email)
    assert client.get(f"/matches/{match_id}").status_code == 404
    assert "基层教师能力提升" not in client.get("/matches").get_data(as_text=True)


def test_sector_and_province_filters_on_both_candidate_pages(client, login_as, users):
    need, offer = _pair(users)
    login_as("coordinator")
    by_need = f"/matches/need/{need.id}"
    assert "基层教师能力提升" in client.get(f"{by_need}?sector=01").get_data(as_text=True)
    assert "基层教师能力提升" not in client.get(f"{by_need}?sector=08").get_data(as_text=True)
    assert "基层教师能力提升" in client.get(f"{by_need}?province=310000").get_data(as_text=True)
    assert "基层教师能力提升" not in client.get(f"{by_need}?province=440000").get_data(
        as_text=True)
    by_offer = f"/matches/offer/{offer.id}"
    assert "江孜县乡村教师培训" in client.get(f"{by_offer}?province=540000").get_data(
        as_text=True)
    assert "江孜县乡村教师培训" not in client.get(f"{by_offer}?province=650000").get_data(
        as_text=True)


def test_unread_notifications_show_in_the_navigation_and_on_their_page(client, login_as,
                                                                         users):
    from matchmaker import unit_of_work
    from matchmaker.services.matching import lifecycle

    need, offer = _pair(users)
    match = unit_of_work.run(lambda: lifecycle.decide(
        lifecycle.Decision(need.id, offer.id, "confirmed", 100_000), by=users["coordinator"]))
    unit_of_work.run(lambda: lifecycle.decline(match.id, by=users["supporter"], note="另有安排"))
    login_as("recipient")
    html = client.get("/home").get_data(as_text=True)
    assert 'data-testid="notifications">通知 <span class="badge text-bg-warning">2</span>' in html
    page = client.get("/notifications").get_data(as_text=True)
    assert "请接受或谢绝" in page and f'href="/matches/{match.id}"' in page


def test_candidates_page_says_when_they_were_computed_and_can_recompute(login_as, client,
                                                                        post_form):
    from matchmaker.models import TextModel

    login_as("coordinator")
    org = factories.make_org(region_code="540200")
    need = factories.make_need(org, title="乡村教师培训")
    factories.make_offer(factories.make_org(region_code="310000"), title="教师培训")
    db.session.commit()
    html = client.get(f"/matches/need/{need.id}").get_data(as_text=True)
    assert "推荐计算于" in html and "重新计算推荐" in html
    first = db.session.scalar(select(TextModel.id))
    response = post_form("/matches/recompute", {"back": f"/matches/need/{need.id}"},
                         page=f"/matches/need/{need.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/matches/need/{need.id}")
    assert db.session.scalar(select(TextModel.id).order_by(TextModel.id.desc())) != first


def test_match_page_offers_continue_and_next_need(client, login_as, users, post_form):
    need, offer = _pair(users)  # 35 万 needed
    later = factories.make_need(users["recipient"].organisation, title="下一个待对接需求",
                                budget_yuan=120_000)
    db.session.commit()
    login_as("coordinator")
    page = f"/matches/need/{need.id}"
    response = post_form("/matches/confirm", {"need_id": need.id, "offer_id": offer.id,
                                              "amount_wan": "30", "back": page}, page=page)
    match = db.session.scalar(select(Match))
    assert response.headers["Location"].endswith(f"/matches/{match.id}")
    html = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "继续为此需求对接（尚缺 5 万元）" in html
    assert f'href="/matches/need/{need.id}" data-testid="continue-need"' in html
    assert f'href="/matches/need/{later.id}" data-testid="next-need"' in html
    assert "下一个待对接需求（尚缺 12 万元）" in html
    post_form("/logout", page="/home")
    login_as("recipient")  # the parties see neither link
    html = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "继续为此需求对接" not in html and 'data-testid="next-need"' not in html


def test_no_continue_link_when_the_need_is_fully_funded(client, login_as, users, post_form):
    need, offer = _pair(users)
    login_as("coordinator")
    page = f"/matches/need/{need.id}"
    post_form("/matches/confirm", {"need_id": need.id, "offer_id": offer.id,
                                   "amount_wan": "35", "back": page}, page=page)
    match = db.session.scalar(select(Match))
    html = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "继续为此需求对接" not in html and 'data-testid="next-need"' not in html


def _confirmed(users, post_form, login_as):
    need, offer = _pair(users)
    need.contact_name, need.contact_phone = "卓玛", "0892-1234567"
    offer.contact_name, offer.contact_phone = "王援", "021-7654321"
    users["supporter"].organisation.contact_email = "yuan@example.cn"
    users["recipient"].organisation.contact_email = "xuqiu@example.cn"
    db.session.commit()
    login_as("coordinator")
    page = f"/matches/need/{need.id}"
    post_form("/matches/confirm", {"need_id": need.id, "offer_id": offer.id,
                                   "amount_wan": "30", "back": page}, page=page)
    post_form("/logout", page="/home")
    return db.session.scalar(select(Match))


def test_match_page_tells_each_side_its_next_step(client, login_as, users, post_form):
    match = _confirmed(users, post_form, login_as)
    detail = f"/matches/{match.id}"
    login_as("recipient")
    assert "还需供给方接受" in client.get(detail).get_data(as_text=True)
    post_form(f"{detail}/accept", page=detail)
    html = client.get(detail).get_data(as_text=True)
    assert "您方已接受，等待供给方接受。" in html
    post_form("/logout", page="/home")
    login_as("supporter")
    post_form(f"{detail}/accept", page=detail)
    html = client.get(detail).get_data(as_text=True)
    assert "双方已接受。请按约定拨付资金；需求方报告完成后，请在此确认到位资金。" in html
    post_form("/logout", page="/home")
    login_as("recipient")
    html = client.get(detail).get_data(as_text=True)
    assert "双方已接受。请按计划实施，完成后在此报告完成情况（实际到位资金、完成日期）。" in html


def test_other_sides_contact_shows_to_the_parties_and_coordinators_only(client, login_as,
                                                                       users, post_form):
    match = _confirmed(users, post_form, login_as)
    detail = f"/matches/{match.id}"
    login_as("recipient")
    html = client.get(detail).get_data(as_text=True)
    assert 'data-testid="contact-offer"' in html and 'data-testid="contact-need"' not in html
    assert "王援" in html and "021-7654321" in html and "yuan@example.cn" in html
    assert "0892-1234567" not in html  # one's own contact is not the point
    post_form("/logout", page="/home")
    login_as("supporter")
    html = client.get(detail).get_data(as_text=True)
    assert "卓玛" in html and "0892-1234567" in html and "xuqiu@example.cn" in html
    assert "021-7654321" not in html
    post_form("/logout", page="/home")
    login_as("coordinator")
    html = client.get(detail).get_data(as_text=True)
    assert "0892-1234567" in html and "021-7654321" in html
    post_form("/logout", page="/home")
    for role in ("supporter", "recipient"):  # another organisation of the same role
        outsider = factories.make_user(role)
        db.session.commit()
        login(client, outsider.email)
        response = client.get(detail)
        body = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "0892-1234567" not in body and "021-7654321" not in body
        post_form("/logout", page="/home")


def test_contact_card_falls_back_to_the_organisation(ctx, users):
    from matchmaker.services.lists.visibility import match_contacts
    need, offer = _pair(users)
    org = users["supporter"].organisation
    org.contact_name, org.contact_phone = "单位联系人", "010-1111111"
    match = Match(need=need, offer=offer, status="confirmed", amount_yuan=100_000)
    db.session.add(match)
    db.session.flush()
    shown = match_contacts(users["recipient"], match)
    assert [(c.side, c.name, c.phone) for c in shown] == [("offer", "单位联系人", "010-1111111")]
    match.status = "declined"
    assert match_contacts(users["recipient"], match) == []
    assert len(match_contacts(users["coordinator"], match)) == 2
    db.session.rollback()


def test_decline_on_the_page_needs_a_reason(client, login_as, users, post_form):
    match = _confirmed(users, post_form, login_as)
    detail = f"/matches/{match.id}"
    login_as("supporter")
    assert "required" in client.get(detail).get_data(as_text=True).split(
        'aria-label="谢绝理由"')[1][:80]
    for note in ("", "   "):
        response = post_form(f"{detail}/decline", {"note": note}, page=detail)
        assert response.status_code == 302
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "请填写谢绝理由。" in html
        db.session.expire_all()
        assert db.session.get(Match, match.id).status == "confirmed"
        assert db.session.get(Offer, match.offer_id).committed_yuan == 300_000
    post_form(f"{detail}/decline", {"note": "资金另有安排"}, page=detail)
    db.session.expire_all()
    done = db.session.get(Match, match.id)
    assert done.status == "declined" and "谢绝理由：资金另有安排" in done.note
