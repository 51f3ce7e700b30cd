"""Accessibility (GB/T 37668, WCAG 2.x AA): axe-core over the main page of every role's
journeys at 1366 and 390 px — no serious or critical violation anywhere.

Set ``A11Y_SHOTS=/some/folder`` to keep a screenshot of every page swept (both widths)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.services.matching import requests
from tests import factories
from tests.dashboard_helpers import make_match

from .a11y import blocking, describe
from .test_login_journey import _log_in

WIDTHS = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}


def _world() -> dict:
    r_org = factories.make_org(name="日喀则市民政局", region_code="540200",
                               contact_name="卓玛", contact_phone="0892-8822334")
    s_org = factories.make_org(name="上海市民政局", region_code="310000",
                               uscc="11310000MB0000001X")
    factories.make_org(name="待审核的基金会", kind="social_org", status="pending")
    users = {
        "recipient": factories.make_user("recipient", org=r_org, display_name="次仁"),
        "supporter": factories.make_user("supporter", org=s_org, display_name="张支援"),
        "coordinator": factories.make_user("coordinator", org=None, display_name="王协调"),
        "admin": factories.make_user("admin", org=None, display_name="李管理"),
    }
    need = factories.make_need(r_org, title="江孜县乡村教师培训", region_code="540222",
                               sector_code="0104", budget_yuan=350_000,
                               contact_name="卓玛", contact_phone="13800000000")
    offer = factories.make_offer(s_org, title="基层教师能力提升", sectors=("0104",),
                                 regions=("540222",), budget_yuan=600_000)
    other = factories.make_offer(s_org, title="乡村学校师资培训", sectors=("0104",),
                                 regions=("540200",), budget_yuan=200_000)
    match = make_match(need, offer, "accepted", 100_000, accepted_days=2)
    done = make_match(factories.make_need(r_org, title="白朗县卫生院设备", sector_code="0104"),
                      other, "completed", 50_000, accepted_days=2, completed_days=20)
    done.completed_on = date(2026, 5, 1)
    db.session.commit()
    unit_of_work.run(lambda: requests.ask(need.id, other.id, by=users["supporter"],
                                          note="双方已初步沟通"))
    return {"users": users, "need": need, "offer": offer, "match": match, "s_org": s_org}


def _pages(w: dict) -> dict[str, list[str]]:
    need, offer, match = w["need"].id, w["offer"].id, w["match"].id
    return {
        "recipient": ["/home", "/needs", "/needs/new", f"/needs/{need}",
                      f"/matches/need/{need}", f"/matches/{match}", "/offers",
                      "/notifications"],
        "supporter": ["/home", "/offers", "/offers/new", f"/offers/{offer}",
                      f"/matches/offer/{offer}", f"/matches/{match}", "/dashboard/honours",
                      f"/dashboard/honours/{w['s_org'].id}"],
        "coordinator": ["/home", "/matches/requests", f"/matches/need/{need}",
                        "/matches/plan?run=1", "/matches", f"/matches/{match}",
                        "/dashboard/", "/audit", "/orgs"],
        "admin": ["/home", "/admin/users", f"/admin/users/{w['users']['supporter'].id}",
                  "/audit", "/orgs", f"/orgs/{w['s_org'].id}", "/reference/pairings",
                  "/reference/sectors"],
    }


def _sweep(page, paths: list[str], tag: str, shots: Path | None) -> dict[str, list]:
    found = {}
    for path in paths:
        for width, size in WIDTHS.items():
            page.set_viewport_size(size)
            response = page.goto(path)
            assert response.status == 200, f"{path}: {response.status}"
            # the forms folded in <details> (确认对接, 否决, 申请对接, 谢绝…) are checked too
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            bad = blocking(page)
            if bad:
                found[f"{tag} {path} @{width}"] = bad
            if shots is not None:
                name = (path.strip("/").replace("/", "-").replace("?", "-")
                        .replace("=", "") or "root")
                page.screenshot(path=str(shots / f"a11y-{tag}-{name}-{width}.png"),
                                full_page=True)
    return found


@pytest.fixture()
def page(browser, live_server, ctx):
    """A page whose context lets the test inject axe (the app's CSP allows only its own
    scripts, and axe is never served by the app)."""
    context = browser.new_context(base_url=live_server, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.parametrize("role", ["anonymous", "recipient", "supporter", "coordinator",
                                  "admin"])
def test_no_serious_or_critical_violation(page, role):
    w = _world()
    shots = Path(os.environ["A11Y_SHOTS"]) if os.environ.get("A11Y_SHOTS") else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    if role == "anonymous":
        found = _sweep(page, ["/login", "/register"], role, shots)
    else:
        _log_in(page, w["users"][role].email, factories.PASSWORD)
        page.wait_for_url("**/home")
        found = _sweep(page, _pages(w)[role], role, shots)
    assert not found, "\n" + describe(found)
