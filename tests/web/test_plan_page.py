"""建议方案 page: compute the optimal allocation, edit it, confirm it in one step."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Match, Offer
from tests import factories


def _scope(users):
    r_org, s_org = users["recipient"].organisation, users["supporter"].organisation
    needs = [factories.make_need(r_org, title=f"教师培训{n}", sector_code="0104",
                                 region_code="540222", budget_yuan=300_000) for n in range(2)]
    offer = factories.make_offer(s_org, title="教师培训资金", sectors=("0104",),
                                 regions=("540200",), budget_yuan=500_000)
    db.session.commit()
    return needs, offer


def test_plan_never_exceeds_the_money_and_confirms_in_one_step(client, login_as, users,
                                                                post_form):
    needs, offer = _scope(users)
    login_as("coordinator")
    html = client.get("/matches/plan?run=1&province=540000&sector=01").get_data(as_text=True)
    assert "教师培训资金" in html and 'data-testid="plan"' in html
    assert "合计 50 万元" in html  # the offer's 50 万 spread over 60 万 of need
    form = {"need_id": [str(n.id) for n in needs], "offer_id": [str(offer.id)] * 2,
            "amount_wan": ["30", "20"], "include": ["0", "1"]}
    shown = post_form("/matches/plan/confirm", form, page="/matches/plan")
    assert shown.status_code == 200  # the confirmation step lists what will be confirmed
    assert 'data-testid="confirm-total">50<' in shown.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Match.id))) == 0
    response = post_form("/matches/plan/confirm", {**form, "confirmed": "1"},
                         page="/matches/plan")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Match.id))) == 2
    assert db.session.get(Offer, offer.id).committed_yuan == 500_000


def test_one_bad_row_confirms_nothing(client, login_as, users, post_form):
    needs, offer = _scope(users)
    login_as("coordinator")
    form = {"need_id": [str(n.id) for n in needs], "offer_id": [str(offer.id)] * 2,
            "amount_wan": ["30", "30"], "include": ["0", "1"],  # 60 万 > 50 万 remaining
            "confirmed": "1"}
    response = post_form("/matches/plan/confirm", form, page="/matches/plan")
    assert response.status_code == 302
    page = client.get("/matches/plan").get_data(as_text=True)
    assert "第 2 行" in page and "未确认任何对接" in page
    assert db.session.scalar(select(func.count(Match.id))) == 0
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).committed_yuan == 0


def _ticked(html: str) -> list[bool]:
    boxes = re.findall(r'<input[^>]*name="include"[^>]*>', html)
    return ["checked" in box for box in boxes]


def test_low_score_rows_are_not_pre_ticked(client, login_as, users, app):
    _scope(users)
    login_as("coordinator")
    app.config["PLAN_MIN_SCORE"] = 101  # every row scores below the floor
    try:
        html = client.get("/matches/plan?run=1&province=540000&sector=01").get_data(
            as_text=True)
    finally:
        app.config["PLAN_MIN_SCORE"] = 60
    assert _ticked(html) and not any(_ticked(html))
    assert 'data-testid="plan-total">0<' in html and "得分低于 101" in html
    assert "全选" in html and "全不选" in html and "js/plan.js" in html
    html = client.get("/matches/plan?run=1&province=540000&sector=01").get_data(as_text=True)
    scores = [int(s) for s in re.findall(r'name="score" value="(\d+)"', html)]
    assert _ticked(html) == [s >= 60 for s in scores]


def test_confirmation_step_lists_rows_and_confirms_only_on_second_post(client, login_as,
                                                                          users, post_form):
    needs, offer = _scope(users)
    login_as("coordinator")
    form = {"need_id": [str(n.id) for n in needs], "offer_id": [str(offer.id)] * 2,
            "amount_wan": ["30", "20"], "score": ["72", "55"], "include": ["1"],
            "province": "540000", "sector": "01"}
    shown = post_form("/matches/plan/confirm", form, page="/matches/plan")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "确认" in html and "返回修改" in html
    table = html.split('data-testid="plan-confirm"')[1].split("</table>")[0]
    assert "教师培训1" in table and "教师培训0" not in table and ">20<" in table
    assert ">55<" in table and 'data-testid="confirm-count">1<' in html
    assert db.session.scalar(select(func.count(Match.id))) == 0

    back = post_form("/matches/plan/confirm", {**form, "edit": "1"}, page="/matches/plan")
    edit = back.get_data(as_text=True)
    assert back.status_code == 200 and 'data-testid="plan"' in edit
    assert _ticked(edit) == [False, True] and 'value="20"' in edit
    assert db.session.scalar(select(func.count(Match.id))) == 0

    done = post_form("/matches/plan/confirm", {**form, "confirmed": "1"}, page="/matches/plan")
    assert done.status_code == 302
    match = db.session.scalar(select(Match))
    assert (match.need_id, match.amount_yuan) == (needs[1].id, 200_000)
    assert db.session.scalar(select(func.count(Match.id))) == 1


def test_nothing_ticked_confirms_nothing(client, login_as, users, post_form):
    needs, offer = _scope(users)
    login_as("coordinator")
    form = {"need_id": [str(n.id) for n in needs], "offer_id": [str(offer.id)] * 2,
            "amount_wan": ["30", "20"]}
    response = post_form("/matches/plan/confirm", form, page="/matches/plan")
    assert response.status_code == 302
    assert "请至少选择一项对接" in client.get("/matches/plan").get_data(as_text=True)
    assert db.session.scalar(select(func.count(Match.id))) == 0
