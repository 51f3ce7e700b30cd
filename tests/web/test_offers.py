"""供给清单 pages: several sectors, target regions with official partners first."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Offer
from tests import factories

VALID = {"title": "基层教师能力提升", "sectors": ["0104", "0103"],
         "target_regions": ["540222", "653125"], "budget_wan": "1,200",
         "description": "组织骨干教师赴沪跟岗学习", "contact_phone": "13812345678",
         "publish": "1"}


@pytest.fixture()
def supporter(login_as, users):
    return login_as("supporter")  # organisation region 310000 (上海市)


def test_supporter_publishes_an_offer_with_sectors_and_targets(client, supporter, post_form):
    response = post_form("/offers/new", VALID, page="/offers/new")
    assert response.status_code == 302
    offer = db.session.scalar(select(Offer))
    assert offer.budget_yuan == 12_000_000 and offer.status == "published"
    assert offer.sector_codes == ["0103", "0104"]
    assert offer.target_region_codes == ["540222", "653125"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "江孜县" in html and "莎车县" in html


def test_no_target_regions_means_any(client, supporter, post_form):
    post_form("/offers/new", {**VALID, "target_regions": []}, page="/offers/new")
    offer = db.session.scalar(select(Offer))
    assert offer.target_region_codes == []
    assert "不限" in client.get(f"/offers/{offer.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sectors", [], "至少选择一个领域"),
        ("sectors", ["0104", "8888"], "未知领域"),
        ("target_regions", ["310000"], "不是受援地区"),
        ("budget_wan", "0", "金额必须大于 0"),
    ],
)
def test_bad_offer_input(supporter, post_form, field, value, message):
    response = post_form("/offers/new", {**VALID, field: value}, page="/offers/new")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Offer.id))) == 0


def test_official_partners_are_suggested_first(client, supporter):
    html = client.get("/offers/new").get_data(as_text=True)
    suggested = html.index("对口支援地区（推荐）")
    assert suggested < html.index("日喀则市") < html.index('label="西藏自治区"')


def test_recipients_cannot_post_offers(client, login_as):
    login_as("recipient")
    assert client.get("/offers/new").status_code == 403


def test_offer_filters_by_region_include_offers_open_to_all(client, login_as, users):
    org = users["supporter"].organisation
    factories.make_offer(org, title="面向江孜", regions=("540222",))
    factories.make_offer(org, title="面向喀什", regions=("653100",))
    factories.make_offer(org, title="不限地区")
    db.session.commit()
    login_as("recipient")
    html = client.get("/offers", query_string={"region": "540200"}).get_data(as_text=True)
    assert "面向江孜" in html and "不限地区" in html and "面向喀什" not in html
