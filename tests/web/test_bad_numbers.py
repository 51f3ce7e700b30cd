"""Numbers typed into URLs and forms: junk and out-of-range values never give a 500
(PostgreSQL's INTEGER ends at 2^31 - 1; SQLite's at 2^63 - 1)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matchmaker.services.params import bounded_decimal, bounded_int, page_args
from tests import factories
from tests.conftest import csrf_from

HUGE = "100000000000000000000000"  # 10^23


@pytest.mark.parametrize("query", [
    "organisation_id=²", f"organisation_id={HUGE}", "page=100000000000000000000",
    "min_wan=1e999999", "max_wan=NaN", "min_wan=-Infinity", "per_page=" + HUGE,
    "organisation_id=2147483648", "page=²",
])
@pytest.mark.parametrize("path", ["/needs", "/offers"])
def test_list_pages_survive_bad_numbers(client, login_as, users, path, query):
    login_as("supporter")
    assert client.get(f"{path}?{query}").status_code in (200, 404)


@pytest.mark.parametrize("path", ["/matches", "/audit", "/orgs", "/admin/users",
                                  "/reference/pairings", "/screening", "/dashboard/gaps"])
def test_paginated_pages_survive_huge_pages(client, login_as, users, path):
    login_as("admin")
    for query in (f"page={HUGE}", "page=²", f"per_page={HUGE}", f"organisation={HUGE}"):
        assert client.get(f"{path}?{query}").status_code in (200, 403, 404)


def _confirm_page(client, login_as):
    login_as("coordinator")
    return csrf_from(client.get("/matches").get_data(as_text=True))


@pytest.mark.parametrize("need_id", ["abc", HUGE, "2147483648", "²", "-1"])
def test_confirm_form_with_bad_ids_is_refused_not_500(client, login_as, users, need_id):
    token = _confirm_page(client, login_as)
    response = client.post("/matches/confirm", data={
        "need_id": need_id, "offer_id": "1", "amount_wan": "1", "csrf_token": token})
    assert response.status_code == 302


@pytest.mark.parametrize("bad", [HUGE, "abc", "2147483648"])
def test_plan_confirm_with_bad_ids_is_refused_not_500(client, login_as, users, bad):
    token = _confirm_page(client, login_as)
    response = client.post("/matches/plan/confirm", data={
        "need_id": bad, "offer_id": bad, "amount_wan": "1", "include": "0",
        "csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200
    assert "建议方案数据有误" in response.get_data(as_text=True)


def test_candidate_filters_ignore_bad_min_score(client, login_as, users):
    need = factories.make_need(users["recipient"].organisation)
    factories.db.session.commit()
    login_as("coordinator")
    for value in ("nan", "1e999999", "²", "-1"):
        assert client.get(f"/matches/need/{need.id}?min_score={value}").status_code == 200


def test_bounded_parsers():
    assert bounded_int("12", 1, 100) == 12
    assert bounded_int("²", 1, 100) is None
    assert bounded_int(HUGE, 1, 2**31 - 1) is None
    assert bounded_int("0", 1, 10, default=1) == 1
    assert bounded_int("9" * 5000, 1, 10) is None  # int() would raise ValueError here
    assert bounded_decimal("12.5", Decimal(0), Decimal(100)) == Decimal("12.5")
    for junk in ("1e999999", "NaN", "Infinity", "-1", "1.23456", "１"):
        assert bounded_decimal(junk, Decimal(0), Decimal(100)) is None
    assert page_args({"page": HUGE, "per_page": "500"}) == {"page": 100_000, "per_page": 100}
