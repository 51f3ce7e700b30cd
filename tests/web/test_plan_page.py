"""建议方案 page: compute the optimal allocation, edit it, confirm it in one step."""

from __future__ import annotations

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
    response = post_form("/matches/plan/confirm", form, page="/matches/plan")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Match.id))) == 2
    assert db.session.get(Offer, offer.id).committed_yuan == 500_000


def test_one_bad_row_confirms_nothing(client, login_as, users, post_form):
    needs, offer = _scope(users)
    login_as("coordinator")
    form = {"need_id": [str(n.id) for n in needs], "offer_id": [str(offer.id)] * 2,
            "amount_wan": ["30", "30"], "include": ["0", "1"]}  # 60 万 > 50 万 remaining
    response = post_form("/matches/plan/confirm", form, page="/matches/plan")
    assert response.status_code == 302
    page = client.get("/matches/plan").get_data(as_text=True)
    assert "第 2 行" in page and "未确认任何对接" in page
    assert db.session.scalar(select(func.count(Match.id))) == 0
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).committed_yuan == 0
