"""Reports count confirmed delivery of verified organisations only, and 表彰 years never
lie in the future (regressions of the security review: a suspended organisation ranked
first with 1,000,000,000 万元 and a 2030 表彰 year)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.services.matching.figures import beijing_today
from matchmaker.services.reporting import dashboard, honours
from matchmaker.services.reporting.dashboard import Scope
from tests.dashboard_helpers import build


@pytest.fixture()
def data(ctx):
    return build()


def _names() -> list[str]:
    return [r["name"] for r in honours.ranking(None)]


def test_suspended_organisation_leaves_the_honours_and_its_certificate(data):
    shanghai = data["orgs"]["shanghai"]
    assert "上海市民政局" in _names()
    shanghai.status = "suspended"
    db.session.commit()
    assert _names() == ["深圳慈善基金会"]
    assert honours.certificate(shanghai.id, None) is None
    totals = dashboard.totals(dashboard.needs_by("province", Scope()))
    assert totals["delivered"] == 200_000  # 上海's 380,000 no longer counted


def test_pending_or_disputed_figures_are_not_counted(data):
    done = data["matches"]["done"]
    for status in ("pending", "disputed"):
        done.delivery_status = status
        db.session.commit()
        assert "上海市民政局" not in _names()
        assert dashboard.totals(dashboard.needs_by("province", Scope()))["delivered"] == 200_000


def test_honours_years_never_lie_in_the_future(data, client, login_as):
    done = data["matches"]["done"]
    done.completed_on = date(2030, 6, 1)  # as an old, unchecked report could have stored
    db.session.commit()
    this_year = beijing_today().year
    assert max(honours.years()) == this_year and 2030 not in honours.years()
    assert honours.valid_year("2030") is None
    assert "上海市民政局" not in _names()
    login_as("recipient")
    html = client.get("/dashboard/honours").get_data(as_text=True)
    assert "2030" not in html
    assert client.get(f"/dashboard/honours/{data['orgs']['shanghai'].id}").status_code == 404


def test_future_completion_does_not_skew_the_median(data):
    before = dashboard.funnel(Scope())[2]["total_days"]
    data["matches"]["done"].completed_on = beijing_today() + timedelta(days=1000)
    db.session.commit()
    after = dashboard.funnel(Scope())[2]["total_days"]
    assert after != before and after < 100
