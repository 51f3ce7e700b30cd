"""THE permission matrix: every (endpoint, method) of ``app.url_map``, web and /api/v1, with
the exact answer each caller gets.

Callers: anonymous; recipients of two bureaus (R1 owns the objects, R2 is the other
recipient bureau); supporters of two organisations (S1 owns the objects, S2 is the other);
the coordinator; the admin; and users of a suspended recipient bureau (``rs``), a suspended
supporter (``ss``) and a pending supporter (``sp``).

The contract for the last three: "An organisation that is pending or suspended reads its own
data and changes nothing: every write by its users answers 403" (web and API token alike);
password change, logout and reading stay allowed.

A row is (endpoint, method, path, expected answer per caller, form/JSON body). An answer is a
status code, or ``(302, prefix)`` for a redirect whose Location starts with ``prefix``; the
anonymous web caller is sent to the login page, the anonymous API caller gets 401. Rows
marked ``write=True`` change business data: for them every refused request (401/403/404/405)
must leave the database as it was (``snapshot``), and the frozen callers get 403 unless the
row names them. Several rows may share an (endpoint, method) to try different objects (R1's
item, R1's draft, the frozen organisation's own item). ``test_every_route_is_in_the_matrix``
fails for any rule of ``app.url_map`` without a row that is not in ``EXEMPT``.

Speed: the world (organisations, users, items, matches, API tokens) is built once and only
rebuilt after a request that changed business data. Users log in by setting the Flask-Login
session directly (no password hashing per case); forms carry a CSRF token signed with the
app's key for the raw token put in that same session.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import (
    AuditEvent,
    BlacklistEntry,
    Concept,
    ConceptTerm,
    Job,
    Pairing,
    ScreeningHit,
    User,
)
from matchmaker.services.accounts import identity, sessions
from matchmaker.services.matching import requests
from matchmaker.services.sheets import uploads
from tests import factories
from tests.conftest import _clean
from tests.dashboard_helpers import make_match
from tests.sheet_helpers import OFFER_HEADERS, need_row, offer_row, xlsx

CALLERS = ("anon", "r1", "r2", "s1", "s2", "coord", "admin", "rs", "ss", "sp")
#: The role of each signed-in caller.
ROLE = {"r1": "recipient", "r2": "recipient", "s1": "supporter", "s2": "supporter",
        "coord": "coordinator", "admin": "admin", "rs": "recipient", "ss": "supporter",
        "sp": "supporter"}
#: Callers whose organisation may change nothing (suspended or pending).
FROZEN = ("rs", "ss", "sp")
#: For reads, a frozen caller gets what the other organisation of its role gets.
PEER = {"rs": "r2", "ss": "s2", "sp": "s2"}

LOGIN = (302, "/login")  # the anonymous web answer: to the login page
RAW_CSRF = "matrix-csrf-token"


class Expect(dict):
    """Expected answer per caller, remembering which callers were named explicitly."""

    def __init__(self, values: dict, named: set[str]) -> None:
        super().__init__(values)
        self.named = named


def E(default: Any = 403, *, anon: Any = LOGIN, **by: Any) -> Expect:
    """Expected answer per caller: ``default`` unless named. A frozen caller not named gets
    what the other organisation of its role gets; on a write row (see ``Row``) it gets 403."""
    out = {"anon": anon}
    for caller in CALLERS[1:7]:
        out[caller] = by.get(caller, default)
    for caller in FROZEN:
        out[caller] = by.get(caller, out[PEER[caller]])
    return Expect(out, set(by))


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    path: str  # {placeholders}: ids from the world; {upload_*}: an upload of the caller's
    expect: dict
    data: dict | None = None
    write: bool = False  # a write of business data: refused ones must change nothing
    reference: bool = False  # an allowed request changes reference data
    note: str = ""  # names the variant in the test id
    api: bool = False

    def __post_init__(self) -> None:
        if self.write:  # the contract: every write by a frozen organisation's user is 403
            named = getattr(self.expect, "named", set())
            expect = dict(self.expect)
            # ... unless it cannot even see the object (another's draft, upload or match):
            # that stays 404, as for anyone. Its own objects are named {rs_…}, {ss_…}, {sp_…}.
            own = {c for c in FROZEN if "{" + c + "_" in self.path}
            expect.update({c: 403 for c in FROZEN
                           if c not in named and (expect[c] != 404 or c in own)})
            object.__setattr__(self, "expect", expect)

    @property
    def label(self) -> str:
        return f"{self.method} {self.endpoint} {self.note or self.path}"


def W(endpoint, method, path, expect, data=None, **kw) -> Row:
    return Row(endpoint, method, path, expect, data, **kw)


def API(endpoint, method, path, expect, data=None, **kw) -> Row:
    return Row(endpoint, method, "/api/v1" + path, expect, data, api=True, **kw)


# Redirect targets, as prefixes of the Location header.
def to(prefix: str) -> tuple[int, str]:
    return (302, prefix)


NEED_FORM = {"title": "日喀则市社工站建设", "sector": "1001", "region": "540200",
             "budget_wan": "12.5", "publish": "1"}
NEED_DRAFT_FORM = {**NEED_FORM, "publish": ""}
OFFER_FORM = {"title": "社工站建设援助", "sectors": ["1001"], "budget_wan": "30",
              "publish": "1"}
OFFER_DRAFT_FORM = {**OFFER_FORM, "publish": ""}
API_NEED = {"title": "新需求", "sector_code": "0104", "region_code": "540200",
            "budget_yuan": 1000}
API_OFFER = {"title": "新供给", "sector_codes": ["0104"], "budget_yuan": 1000}

READ_ALL = E(200)
STAFF_ONLY = E(403, coord=200, admin=200)
ADMIN_ONLY = E(403, admin=200)
# Answers to a write on R1's published need / S1's published offer by the owner alone.
NEED_OWNER = dict(r2=403, s1=403, s2=403, coord=403, admin=403)
OFFER_OWNER = dict(r1=403, r2=403, s2=403, coord=403, admin=403)
# Another organisation's draft is not visible: 404 for everyone but its owner.
NOT_VISIBLE = 404
# The match of R1's need and S1's offer is visible to them and to staff only.
MATCH_HIDDEN = dict(r2=404, s2=404)

WEB_ROWS = [
    # -- public pages ------------------------------------------------------------------
    W("main.index", "GET", "/", E(to("/home"))),
    W("main.healthz", "GET", "/healthz", E(200, anon=200)),
    W("auth.login", "GET", "/login", E(to("/home"), anon=200)),
    W("auth.login", "POST", "/login", E(to("/home"), anon=401),
      {"email": "nobody@example.cn", "password": "wrong"}, note="wrong password"),
    W("orgs.register", "GET", "/register", E(to("/home"), anon=200)),
    W("orgs.register", "POST", "/register", E(to("/home"), anon=422), {"name": ""}),
    W("api_docs.docs", "GET", "/api/docs", E(200, anon=200)),
    W("favicon", "GET", "/favicon.ico", E(200, anon=200)),
    # -- every signed-in user, frozen ones included ------------------------------------
    W("main.home", "GET", "/home", READ_ALL),
    W("main.notifications", "GET", "/notifications", READ_ALL),
    W("main.notifications_read", "POST", "/notifications/read", E(to("/notifications")),
      {}),
    W("auth.profile", "GET", "/profile", READ_ALL),
    W("auth.logout", "POST", "/logout", E(to("/login")), {}),
    W("auth.change_password", "POST", "/profile/password", E(422), {},
      note="empty form"),
    W("auth.create_token", "POST", "/profile/tokens", READ_ALL, {"name": "x"}),
    W("auth.revoke_token", "POST", "/profile/tokens/999999/revoke", E(to("/profile")),
      {}),
    W("reference.pairings", "GET", "/reference/pairings", READ_ALL),
    W("reference.sectors", "GET", "/reference/sectors", READ_ALL),
    # -- needs -------------------------------------------------------------------------
    W("needs.index", "GET", "/needs", READ_ALL),
    W("needs.detail", "GET", "/needs/{need}", READ_ALL, note="published"),
    W("needs.detail", "GET", "/needs/{need_draft}", E(NOT_VISIBLE, r1=200), note="R1 draft"),
    W("needs.detail", "GET", "/needs/{rs_draft}", E(NOT_VISIBLE, rs=200),
      note="suspended org's own draft"),
    W("needs.create", "GET", "/needs/new", E(403, r1=200, r2=200), write=True),
    W("needs.create", "POST", "/needs/new", E(403, r1=to("/needs/"), r2=to("/needs/")),
      NEED_FORM, write=True, note="publish"),
    W("needs.create", "POST", "/needs/new", E(403, r1=to("/needs/"), r2=to("/needs/")),
      NEED_DRAFT_FORM, write=True, note="draft"),
    W("needs.edit", "GET", "/needs/{need}/edit", E(r1=200, **NEED_OWNER), write=True),
    W("needs.edit", "POST", "/needs/{need}/edit", E(r1=to("/needs/"), **NEED_OWNER),
      NEED_FORM, write=True),
    W("needs.edit", "POST", "/needs/{need_draft}/edit", E(NOT_VISIBLE, r1=to("/needs/")),
      NEED_DRAFT_FORM, write=True, note="R1 draft"),
    W("needs.edit", "GET", "/needs/{rs_need}/edit", E(403), write=True,
      note="suspended org's own need"),
    W("needs.edit", "POST", "/needs/{rs_need}/edit", E(403), NEED_FORM, write=True,
      note="suspended org's own need"),
    W("needs.status", "POST", "/needs/{need}/status",
      E(r1=to("/needs/"), coord=to("/needs/"), **{k: 403 for k in ("r2", "s1", "s2", "admin")}),
      {"action": "close"}, write=True, note="close"),
    W("needs.status", "POST", "/needs/{need_draft}/status", E(NOT_VISIBLE, r1=to("/needs/")),
      {"action": "publish"}, write=True, note="publish R1 draft"),
    W("needs.status", "POST", "/needs/{rs_need}/status", E(403, coord=to("/needs/")),
      {"action": "close"}, write=True, note="close suspended org's own need"),
    W("needs.delete", "GET", "/needs/{need_draft}/delete", E(NOT_VISIBLE, r1=200), write=True),
    W("needs.delete", "POST", "/needs/{need_draft}/delete", E(NOT_VISIBLE, r1=to("/needs")),
      {}, write=True),
    W("needs.delete", "GET", "/needs/{rs_draft}/delete", E(NOT_VISIBLE), write=True,
      note="suspended org's own draft"),
    W("needs.delete", "POST", "/needs/{rs_draft}/delete", E(NOT_VISIBLE), {}, write=True,
      note="suspended org's own draft"),
    # -- offers ------------------------------------------------------------------------
    W("offers.index", "GET", "/offers", READ_ALL),
    W("offers.detail", "GET", "/offers/{offer}", READ_ALL, note="published"),
    W("offers.detail", "GET", "/offers/{offer_draft}", E(NOT_VISIBLE, s1=200),
      note="S1 draft"),
    W("offers.detail", "GET", "/offers/{sp_draft}", E(NOT_VISIBLE, sp=200),
      note="pending org's own draft"),
    W("offers.create", "GET", "/offers/new", E(403, s1=200, s2=200), write=True),
    W("offers.create", "POST", "/offers/new", E(403, s1=to("/offers/"), s2=to("/offers/")),
      OFFER_FORM, write=True, note="publish"),
    W("offers.create", "POST", "/offers/new", E(403, s1=to("/offers/"), s2=to("/offers/")),
      OFFER_DRAFT_FORM, write=True, note="draft"),
    W("offers.edit", "GET", "/offers/{offer}/edit", E(s1=200, **OFFER_OWNER), write=True),
    W("offers.edit", "POST", "/offers/{offer}/edit", E(s1=to("/offers/"), **OFFER_OWNER),
      OFFER_FORM, write=True),
    W("offers.edit", "POST", "/offers/{offer_draft}/edit", E(NOT_VISIBLE, s1=to("/offers/")),
      OFFER_DRAFT_FORM, write=True, note="S1 draft"),
    W("offers.edit", "GET", "/offers/{ss_offer}/edit", E(403), write=True,
      note="suspended org's own offer"),
    W("offers.edit", "POST", "/offers/{ss_offer}/edit", E(403), OFFER_FORM, write=True,
      note="suspended org's own offer"),
    W("offers.edit", "POST", "/offers/{sp_draft}/edit", E(NOT_VISIBLE), OFFER_DRAFT_FORM,
      write=True, note="pending org's own draft"),
    W("offers.status", "POST", "/offers/{offer}/status",
      E(s1=to("/offers/"), coord=to("/offers/"),
        **{k: 403 for k in ("r1", "r2", "s2", "admin")}),
      {"action": "close"}, write=True, note="close"),
    W("offers.status", "POST", "/offers/{sp_draft}/status", E(NOT_VISIBLE),
      {"action": "publish"}, write=True, note="publish pending org's own draft"),
    W("offers.delete", "GET", "/offers/{offer_draft}/delete", E(NOT_VISIBLE, s1=200),
      write=True),
    W("offers.delete", "POST", "/offers/{offer_draft}/delete",
      E(NOT_VISIBLE, s1=to("/offers")), {}, write=True),
    W("offers.delete", "POST", "/offers/{sp_draft}/delete", E(NOT_VISIBLE), {}, write=True,
      note="pending org's own draft"),
    # -- matches -----------------------------------------------------------------------
    W("matches.index", "GET", "/matches", READ_ALL),
    W("matches.for_need", "GET", "/matches/need/{need}", E(403, r1=200, coord=200),
      write=True, note="candidates of R1's need"),
    W("matches.for_need", "GET", "/matches/need/{rs_need}", E(403, coord=200), write=True,
      note="candidates of the suspended org's own need"),
    W("matches.for_need", "GET", "/matches/need/{need_draft}",
      E(NOT_VISIBLE, r1=200), write=True, note="candidates of R1's draft"),
    W("matches.for_offer", "GET", "/matches/offer/{offer}", E(403, s1=200, coord=200),
      write=True, note="candidates of S1's offer"),
    W("matches.for_offer", "GET", "/matches/offer/{ss_offer}", E(403, coord=200), write=True,
      note="candidates of the suspended org's own offer"),
    W("matches.confirm", "POST", "/matches/confirm", E(403, coord=to("/matches/")),
      {"need_id": "{need}", "offer_id": "{offer2}", "amount_wan": "1"}, write=True),
    W("matches.reject", "POST", "/matches/reject", E(403, coord=to("/matches")),
      {"need_id": "{need}", "offer_id": "{offer2}", "note": "不合适"}, write=True),
    W("matches.plan", "GET", "/matches/plan?run=1", E(403, coord=200)),
    W("matches.plan_confirm", "POST", "/matches/plan/confirm", E(403, coord=to("/matches")),
      {"include": "0", "need_id": "{need}", "offer_id": "{offer2}", "amount_wan": "1",
       "confirmed": "1"}, write=True),  # the second POST; the first shows a page (200)
    W("matches.recompute", "POST", "/matches/recompute", E(403, coord=to("/matches/need/")),
      {"back": "/matches/need/{need}"}, write=True),
    W("matches.detail", "GET", "/matches/{match}",
      E(200, **MATCH_HIDDEN, rs=404, ss=404, sp=404)),
    W("matches.detail", "GET", "/matches/{rs_match}", E(404, coord=200, admin=200, s1=200,
                                                      rs=200), note="suspended org's match"),
    W("matches.accept", "POST", "/matches/{match}/accept",
      E(403, r1=to("/matches/"), s1=to("/matches/"), **MATCH_HIDDEN), {}, write=True),
    W("matches.accept", "POST", "/matches/{rs_match}/accept",
      E(404, s1=to("/matches/"), coord=403, admin=403), {}, write=True,
      note="suspended recipient's own match"),
    W("matches.accept", "POST", "/matches/{ss_match}/accept",
      E(404, r1=to("/matches/"), coord=403, admin=403), {}, write=True,
      note="suspended supporter's own match"),
    W("matches.decline", "POST", "/matches/{match}/decline",
      E(403, r1=to("/matches/"), s1=to("/matches/"), **MATCH_HIDDEN), {"note": "资金另有安排"},
      write=True),
    W("matches.decline", "POST", "/matches/{ss_match}/decline",
      E(404, r1=to("/matches/"), coord=403, admin=403), {"note": "资金另有安排"}, write=True,
      note="suspended supporter's own match"),
    W("matches.cancel", "POST", "/matches/{match}/cancel",
      E(403, coord=to("/matches/"), **MATCH_HIDDEN), {}, write=True),
    W("matches.confirm_delivery", "POST", "/matches/{match}/confirm-delivery",
      E(403, s1=to("/matches/"), **MATCH_HIDDEN), {}, write=True, note="not yet completed"),
    W("matches.dispute_delivery", "POST", "/matches/{match}/dispute-delivery",
      E(403, s1=to("/matches/"), **MATCH_HIDDEN), {"note": "金额不符"}, write=True,
      note="not yet completed"),
    W("matches.correct", "POST", "/matches/{match}/correct",
      E(403, coord=to("/matches/"), **MATCH_HIDDEN),
      {"completed_on": "2026-01-01", "delivered_wan": "0.1", "reason": "核实"}, write=True,
      note="not yet completed"),
    W("matches.change_amount", "POST", "/matches/{match}/amount",
      E(403, coord=to("/matches/"), **MATCH_HIDDEN), {"amount_wan": "0.2"}, write=True),
    W("matches.complete", "POST", "/matches/{match}/complete",
      E(403, r1=to("/matches/"), **MATCH_HIDDEN),
      {"completed_on": "2027-01-01", "delivered_wan": "1"}, write=True),
    W("matches.complete", "POST", "/matches/{rs_match}/complete",
      E(404, s1=403, coord=403, admin=403),
      {"completed_on": "2027-01-01", "delivered_wan": "1"}, write=True,
      note="suspended recipient's own match"),
    # 申请对接: the owning side asks (either side of the pair), a coordinator decides
    W("matches.request_create", "POST", "/matches/requests",
      E(403, r1=to("/matches/need/"), s1=to("/matches/offer/")),
      {"need_id": "{need}", "offer_id": "{offer2}", "note": "已初步沟通"}, write=True,
      note="R1's need and S1's offer"),
    W("matches.request_create", "POST", "/matches/requests",
      E(403, s1=to("/matches/offer/")),  # s1 owns offer2, but rs may not be matched: refused
      {"need_id": "{rs_need}", "offer_id": "{offer2}"}, write=True,
      note="the suspended org's need"),
    W("matches.request_create", "POST", "/matches/requests",
      E(NOT_VISIBLE, r1=to("/matches/need/")),  # refused with a message: not published
      {"need_id": "{need_draft}", "offer_id": "{offer2}"}, write=True,
      note="R1's draft"),
    W("matches.request_queue", "GET", "/matches/requests", E(403, coord=200)),
    W("matches.request_decline", "POST", "/matches/requests/{request}/decline",
      E(403, coord=to("/matches/requests")), {"reason": "资金已另有安排"}, write=True),
    W("matches.request_decline", "POST", "/matches/requests/999999/decline",
      E(403, coord=404), {"reason": "资金已另有安排"}, write=True, note="no such request"),
    # -- sheet import / export ---------------------------------------------------------
    W("sheets.upload", "GET", "/import/needs", E(403, r1=200, r2=200, coord=200, admin=200),
      write=True),
    W("sheets.upload", "GET", "/import/offers", E(403, s1=200, s2=200, coord=200, admin=200),
      write=True),
    W("sheets.upload", "POST", "/import/needs", E(403, r1=422, r2=422, coord=422, admin=422),
      {}, write=True, note="needs, no file"),
    W("sheets.upload", "POST", "/import/offers", E(403, s1=422, s2=422, coord=422, admin=422),
      {}, write=True, note="offers, no file"),
    W("sheets.template", "GET", "/import/needs/template.xlsx",
      E(403, r1=200, r2=200, coord=200, admin=200), write=True),
    W("sheets.template", "GET", "/import/offers/template.xlsx",
      E(403, s1=200, s2=200, coord=200, admin=200), write=True),
    W("sheets.preview", "GET", "/import/needs/{upload_needs}",
      E(403, r1=200, r2=200, coord=200, admin=200), write=True),
    W("sheets.preview", "GET", "/import/offers/{upload_offers}",
      E(403, s1=200, s2=200, coord=200, admin=200), write=True),
    W("sheets.preview", "GET", "/import/needs/{r1_upload}",
      E(403, r1=200, r2=404, coord=404, admin=404, rs=403), write=True, note="R1's upload"),
    W("sheets.progress", "GET", "/import/needs/{upload_needs}/status",
      E(403, r1=200, r2=200, coord=200, admin=200), write=True),
    W("sheets.progress", "GET", "/import/offers/{upload_offers}/status",
      E(403, s1=200, s2=200, coord=200, admin=200), write=True),
    W("sheets.progress", "GET", "/import/needs/{r1_upload}/status",
      E(403, r1=200, r2=404, coord=404, admin=404, rs=403), write=True, note="R1's upload"),
    W("sheets.confirm", "POST", "/import/needs/{upload_needs}",
      E(403, r1=to("/needs"), r2=to("/needs"), coord=to("/import/needs/"),
        admin=to("/import/needs/")), {}, write=True),
    W("sheets.confirm", "POST", "/import/needs/{r1_upload}",
      E(403, r1=to("/needs"), r2=404, coord=404, admin=404, rs=403), {}, write=True,
      note="R1's upload"),
    W("sheets.confirm", "POST", "/import/offers/{upload_offers}",
      E(403, s1=to("/offers"), s2=to("/offers"),
        coord=to("/import/offers/"), admin=to("/import/offers/")), {}, write=True),
    W("sheets.error_report", "GET", "/import/needs/{upload_needs}/errors.xlsx",
      E(403, r1=200, r2=200, coord=200, admin=200), write=True),
    W("sheets.error_report", "GET", "/import/offers/{upload_offers}/errors.xlsx",
      E(403, s1=200, s2=200, coord=200, admin=200), write=True),
    W("sheets.export", "GET", "/export/needs.xlsx", E(200)),  # a read, like the list page
    W("sheets.export", "GET", "/export/offers.xlsx?q=x&sort=budget_desc", E(200)),
    # -- reference data ----------------------------------------------------------------
    W("reference.regions", "GET", "/reference/regions", STAFF_ONLY),
    W("reference.edit_region", "GET", "/reference/regions/540200/edit", ADMIN_ONLY),
    W("reference.edit_region", "POST", "/reference/regions/540200/edit",
      E(403, admin=to("/reference/regions")), {"name": "日喀则市", "verified": "y", "notes": "核"},
      write=True, reference=True),
    W("reference.edit_pairing", "GET", "/reference/pairings/{pairing}/edit", ADMIN_ONLY),
    W("reference.edit_pairing", "POST", "/reference/pairings/{pairing}/edit",
      E(403, admin=to("/reference/pairings")), {"verified": "y", "active": "y", "notes": "核实"},
      write=True, reference=True),
    W("reference.concepts", "GET", "/reference/concepts", STAFF_ONLY),
    W("reference.new_concept", "GET", "/reference/concepts/new", ADMIN_ONLY),
    W("reference.new_concept", "POST", "/reference/concepts/new",
      E(403, admin=to("/reference/concepts/")), {"name": "矩阵测试类型", "sector_code": "0104"},
      write=True, reference=True),
    W("reference.edit_concept", "GET", "/reference/concepts/{concept}", ADMIN_ONLY),
    W("reference.edit_concept", "POST", "/reference/concepts/{concept}",
      E(403, admin=to("/reference/concepts/")), {"name": "矩阵改名类型", "sector_code": "0101"},
      write=True, reference=True),
    W("reference.concept_active", "POST", "/reference/concepts/{concept}/active",
      E(403, admin=to("/reference/concepts/")), {"active": "0"}, write=True, reference=True),
    W("reference.add_term", "POST", "/reference/concepts/{concept}/terms",
      E(403, admin=to("/reference/concepts/")), {"term": "矩阵同义词"}, write=True,
      reference=True),
    W("reference.edit_term", "POST", "/reference/concepts/terms/{term}",
      E(403, admin=to("/reference/concepts/")), {"term": "矩阵改名"}, write=True,
      reference=True),
    W("reference.term_active", "POST", "/reference/concepts/terms/{term}/active",
      E(403, admin=to("/reference/concepts/")), {"active": "0"}, write=True, reference=True),
    W("reference.scoring", "GET", "/reference/scoring", STAFF_ONLY),
    W("reference.scoring_learn", "POST", "/reference/scoring/learn",
      E(403, admin=to("/reference/scoring")), {}, write=True),
    W("reference.scoring_defaults", "POST", "/reference/scoring/defaults",
      E(403, admin=to("/reference/scoring")), {}, write=True),
    # -- users (admin) -----------------------------------------------------------------
    W("users.index", "GET", "/admin/users?q=x&status=locked&page=2", ADMIN_ONLY),
    W("users.create", "GET", "/admin/users/new", ADMIN_ONLY),
    W("users.create", "POST", "/admin/users/new", E(403, admin=422), {"email": ""},
      write=True),
    W("users.detail", "GET", "/admin/users/{s1_user}", ADMIN_ONLY),
    W("users.act", "GET", "/admin/users/{s1_user}/deactivate", ADMIN_ONLY,
      note="confirmation page"),
    W("users.act", "POST", "/admin/users/{s1_user}/revoke_tokens",
      E(403, admin=to("/admin/users/")), {}, write=True),
    # -- background jobs (admin) -------------------------------------------------------
    W("jobs.index", "GET", "/admin/jobs?status=failed&page=2", ADMIN_ONLY),
    W("jobs.index", "GET", "/admin/jobs?status=bogus&page=x", ADMIN_ONLY, note="junk filters"),
    W("jobs.retry", "GET", "/admin/jobs/{job}/retry", ADMIN_ONLY, note="confirmation page"),
    W("jobs.retry", "GET", "/admin/jobs/999999/retry", E(403, admin=404), note="no such job"),
    W("jobs.retry", "POST", "/admin/jobs/{job}/retry", E(403, admin=to("/admin/jobs")), {},
      write=True),
    # -- dashboard ---------------------------------------------------------------------
    W("dashboard.overview", "GET", "/dashboard/", STAFF_ONLY),
    W("dashboard.overview", "GET", "/dashboard/?province=540000&from=2020-01-01", STAFF_ONLY,
      note="filtered"),
    W("dashboard.gap_analysis", "GET", "/dashboard/gaps", STAFF_ONLY),
    W("dashboard.gap_map", "GET", "/dashboard/map", STAFF_ONLY),
    W("dashboard.table", "GET", "/dashboard/table/province.csv", STAFF_ONLY),
    W("dashboard.table", "GET", "/dashboard/table/gaps.xlsx", STAFF_ONLY),
    W("dashboard.table", "GET", "/dashboard/table/honours.csv", READ_ALL),
    W("dashboard.report", "GET", "/dashboard/report.xlsx", STAFF_ONLY),
    W("dashboard.hxl", "GET", "/dashboard/3w.csv", STAFF_ONLY),
    W("dashboard.iati_xml", "GET", "/dashboard/iati.xml", STAFF_ONLY),
    W("dashboard.honour_list", "GET", "/dashboard/honours", READ_ALL),
    W("dashboard.certificate", "GET", "/dashboard/honours/{s1_org}?year=2026", READ_ALL),
    # -- organisations, screening, audit -----------------------------------------------
    W("orgs.index", "GET", "/orgs?status=pending&kind=social_org&q=x&page=2", STAFF_ONLY),
    W("orgs.detail", "GET", "/orgs/{r1_org}", E(403, r1=200, coord=200, admin=200),
      note="R1's organisation"),
    W("orgs.detail", "GET", "/orgs/{rs_org}", E(403, rs=200, coord=200, admin=200),
      note="suspended org's own page"),
    W("orgs.detail", "GET", "/orgs/{sp_org}", E(403, sp=200, coord=200, admin=200),
      note="pending org's own page"),
    W("orgs.change_status", "POST", "/orgs/{r1_org}/status",
      E(403, coord=to("/orgs/"), admin=to("/orgs/")),
      {"status": "suspended", "reason": "核查", "password": factories.PASSWORD}, write=True),
    W("orgs.create", "GET", "/orgs/new", ADMIN_ONLY),
    W("orgs.create", "POST", "/orgs/new", E(403, admin=422), {"name": ""}, write=True),
    W("screening.queue", "GET", "/screening", STAFF_ONLY),
    W("screening.decide", "POST", "/screening/hits/{hit}",
      E(403, coord=to("/screening"), admin=to("/screening")),
      {"decision": "clear", "note": "同名不同单位"}, write=True),
    W("screening.lists", "GET", "/screening/lists?q=x&type=banned", ADMIN_ONLY),
    W("screening.list_template", "GET", "/screening/lists/template.xlsx", STAFF_ONLY),
    W("screening.lists", "POST", "/screening/lists", E(403, admin=422), {}, write=True),
    W("audit.index", "GET", "/audit?action=login&from=2020-01-01&to=bad", STAFF_ONLY),
    W("audit.export", "GET", "/audit/export.xlsx?user=a", STAFF_ONLY),
]

def AE(default: Any = 403, *, anon: Any = 401, **by: Any) -> Expect:
    """As ``E`` for the API, where a request without a token answers 401."""
    return E(default, anon=anon, **by)


API_READ_ALL = AE(200)
API_ROWS = [
    API("api.openapi", "GET", "/openapi.json", AE(200, anon=200)),
    API("api.unknown", "GET", "/needs/abc", AE(404)),
    API("api.get_regions_list", "GET", "/regions", API_READ_ALL),
    API("api.get_sectors_list", "GET", "/sectors", API_READ_ALL),
    API("api.get_needs_list", "GET", "/needs", API_READ_ALL),
    API("api.get_needs_get", "GET", "/needs/{need}", API_READ_ALL, note="published"),
    API("api.get_needs_get", "GET", "/needs/{need_draft}", AE(404, r1=200), note="R1 draft"),
    API("api.get_needs_get", "GET", "/needs/{rs_draft}", AE(404, rs=200),
        note="suspended org's own draft"),
    API("api.post_needs_create", "POST", "/needs", AE(403, r1=201, r2=201), API_NEED,
        write=True),
    API("api.patch_needs_patch", "PATCH", "/needs/{need}", AE(r1=200, **NEED_OWNER),
        {"title": "改"}, write=True, note="title"),
    API("api.patch_needs_patch", "PATCH", "/needs/{need}",
        AE(r1=200, coord=200, **{k: 403 for k in ("r2", "s1", "s2", "admin")}),
        {"status": "closed"}, write=True, note="close"),
    API("api.patch_needs_patch", "PATCH", "/needs/{rs_need}", AE(403), {"title": "改"},
        write=True, note="suspended org's own need"),
    API("api.delete_needs_delete", "DELETE", "/needs/{need_draft}", AE(404, r1=204),
        write=True),
    API("api.delete_needs_delete", "DELETE", "/needs/{rs_draft}", AE(404), write=True,
        note="suspended org's own draft"),
    API("api.get_needs_candidates", "GET", "/needs/{need}/candidates", AE(403, r1=200, coord=200),
        write=True),
    API("api.get_needs_candidates", "GET", "/needs/{rs_need}/candidates", AE(403, coord=200),
        write=True, note="suspended org's own need"),
    API("api.get_offers_list", "GET", "/offers", API_READ_ALL),
    API("api.get_offers_get", "GET", "/offers/{offer}", API_READ_ALL, note="published"),
    API("api.get_offers_get", "GET", "/offers/{sp_draft}", AE(404, sp=200),
        note="pending org's own draft"),
    API("api.post_offers_create", "POST", "/offers", AE(403, s1=201, s2=201), API_OFFER,
        write=True),
    API("api.patch_offers_patch", "PATCH", "/offers/{offer}", AE(s1=200, **OFFER_OWNER),
        {"title": "改"}, write=True),
    API("api.patch_offers_patch", "PATCH", "/offers/{ss_offer}", AE(403), {"title": "改"},
        write=True, note="suspended org's own offer"),
    API("api.delete_offers_delete", "DELETE", "/offers/{offer}", AE(s1=409, **OFFER_OWNER),
        write=True, note="published: only drafts are deleted"),
    API("api.delete_offers_delete", "DELETE", "/offers/{offer_draft}", AE(404, s1=204),
        write=True, note="S1 draft"),
    API("api.delete_offers_delete", "DELETE", "/offers/{sp_draft}", AE(404), write=True,
        note="pending org's own draft"),
    API("api.get_offers_candidates", "GET", "/offers/{offer}/candidates",
        AE(403, s1=200, coord=200), write=True),
    API("api.get_matches_list", "GET", "/matches", API_READ_ALL),
    API("api.get_matches_get", "GET", "/matches/{match}", AE(200, **MATCH_HIDDEN, rs=404,
                                                            ss=404, sp=404)),
    API("api.get_matches_get", "GET", "/matches/{ss_match}", AE(404, r1=200, coord=200,
                                                               admin=200, ss=200),
        note="suspended supporter's match"),
    API("api.post_matches_create", "POST", "/matches", AE(403, coord=201),
        {"need_id": "{need}", "offer_id": "{offer2}", "status": "rejected"}, write=True),
    API("api.get_match_requests_list", "GET", "/match-requests", API_READ_ALL),
    API("api.post_match_requests_create", "POST", "/match-requests", AE(403, r1=201, s1=201),
        {"need_id": "{need}", "offer_id": "{offer2}", "note": "已初步沟通"}, write=True,
        note="R1's need and S1's offer"),
    API("api.post_match_requests_create", "POST", "/match-requests", AE(403, s1=422),
        {"need_id": "{rs_need}", "offer_id": "{offer2}"}, write=True,
        note="the suspended org's need: s1 is told it cannot be matched"),
    API("api.post_match_requests_decline", "POST", "/match-requests/{request}/decline",
        AE(403, coord=200), {"reason": "资金已另有安排"}, write=True),
    API("api.post_match_requests_decline", "POST", "/match-requests/999999/decline",
        AE(403, coord=404), {"reason": "资金已另有安排"}, write=True, note="no such request"),
    API("api.post_matches_accept", "POST", "/matches/{match}/accept",
        AE(403, r1=200, s1=200, **MATCH_HIDDEN), write=True),
    API("api.post_matches_accept", "POST", "/matches/{rs_match}/accept",
        AE(404, s1=200, coord=403, admin=403), write=True,
        note="suspended recipient's own match"),
    API("api.post_matches_decline", "POST", "/matches/{match}/decline",
        AE(403, r1=200, s1=200, **MATCH_HIDDEN), {}, write=True),
    API("api.post_matches_decline", "POST", "/matches/{ss_match}/decline",
        AE(404, r1=200, coord=403, admin=403), {}, write=True,
        note="suspended supporter's own match"),
    API("api.post_matches_complete", "POST", "/matches/{match}/complete",
        AE(403, r1=409, **MATCH_HIDDEN), {"completed_on": "2027-01-01", "delivered_yuan": 1},
        write=True, note="not yet accepted"),
    API("api.patch_matches_patch", "PATCH", "/matches/{match}",
        AE(403, coord=200, **MATCH_HIDDEN), {"amount_yuan": 1500}, write=True),
    API("api.post_matches_confirm_delivery", "POST", "/matches/{match}/confirm-delivery",
        AE(403, s1=409, **MATCH_HIDDEN), None, write=True, note="not yet completed"),
    API("api.post_matches_dispute_delivery", "POST", "/matches/{match}/dispute-delivery",
        AE(403, s1=409, **MATCH_HIDDEN), {"note": "金额不符"}, write=True,
        note="not yet completed"),
    API("api.post_matches_correct", "POST", "/matches/{match}/correct",
        AE(403, coord=409, **MATCH_HIDDEN),
        {"completed_on": "2026-01-01", "delivered_yuan": 1, "reason": "核实"}, write=True,
        note="not yet completed"),
    API("api.post_matches_cancel", "POST", "/matches/{match}/cancel",
        AE(403, coord=200, **MATCH_HIDDEN), {}, write=True),
]

#: Rules no row covers, on purpose.
EXEMPT = {("static", "GET")} | {("api.unknown", m) for m in ("POST", "PUT", "PATCH", "DELETE")}


# -- the world ---------------------------------------------------------------------------

class World:
    """Ids of what the matrix needs; rebuilt (rows deleted, made again) when dirty."""

    def __init__(self) -> None:
        self.ids: dict[str, Any] = {}
        self.users: dict[str, int] = {}  # caller -> user id
        self.tokens: dict[str, str] = {}
        self.dirty = True

    def build(self, app) -> None:
        _clean(app)
        with app.app_context():
            orgs = {
                "r1": factories.make_org(region_code="540200"),
                "r2": factories.make_org(region_code="540200"),
                "s1": factories.make_org(region_code="310000"),
                "s2": factories.make_org(region_code="320000"),
                "rs": factories.make_org(region_code="540200", status="suspended"),
                "ss": factories.make_org(region_code="310000", status="suspended"),
                "sp": factories.make_org(region_code="310000", status="pending",
                                         kind="social_org"),
            }
            users = {caller: factories.make_user(ROLE[caller], org=orgs.get(caller))
                     for caller in CALLERS[1:]}
            for caller in ("coord", "admin"):
                users[caller].organisation = None
            r1, s1 = orgs["r1"], orgs["s1"]
            need = factories.make_need(r1, region_code="540200")
            offer = factories.make_offer(s1)
            rs_need = factories.make_need(orgs["rs"])
            ss_offer = factories.make_offer(orgs["ss"])
            ids = {
                "need": need.id, "offer": offer.id,
                "need_draft": factories.make_need(r1, status="draft").id,
                "offer_draft": factories.make_offer(s1, status="draft").id,
                "offer2": factories.make_offer(s1).id,
                "rs_need": rs_need.id,
                "rs_draft": factories.make_need(orgs["rs"], status="draft").id,
                "ss_offer": ss_offer.id,
                "sp_draft": factories.make_offer(orgs["sp"], status="draft").id,
                **{f"{k}_org": org.id for k, org in orgs.items()},
            }
            ids["request"] = requests.ask(need.id, factories.make_offer(s1).id,
                                          by=users["s1"], note="").id
            ids["match"] = make_match(need, offer, "confirmed", 1000).id
            ids["rs_match"] = make_match(rs_need, offer, "confirmed", 1000).id
            ids["ss_match"] = make_match(need, ss_offer, "confirmed", 1000).id
            done = make_match(factories.make_need(r1), factories.make_offer(s1), "completed",
                              1000)
            done.completed_on, done.delivered_yuan = date(2026, 5, 1), 1000
            done.delivery_status = "confirmed"  # the offer side confirmed the figures
            entry = BlacklistEntry(name="中国测试协会", name_key="测试", list_type="banned")
            db.session.add(entry)
            db.session.flush()
            hit = ScreeningHit(organisation_id=r1.id, entry_id=entry.id, kind="similar",
                               score=0.9, screened_name=r1.name, detail="", status="open",
                               note="")
            db.session.add(hit)
            db.session.flush()
            ids["hit"] = hit.id
            ids["pairing"] = db.session.scalar(select(Pairing.id).order_by(Pairing.id))
            ids["concept"] = db.session.scalar(select(Concept.id).order_by(Concept.id))
            ids["term"] = db.session.scalar(select(ConceptTerm.id).order_by(ConceptTerm.id))
            ids["s1_user"] = users["s1"].id
            job = Job(task="mail.send", args=[["x@example.cn"], "主题", "正文"],
                      status="failed", error="OSError: 连接被拒绝", attempts=1)
            db.session.add(job)
            db.session.flush()
            ids["job"] = job.id
            self.tokens = {c: identity.create_token(u, "matrix") for c, u in users.items()}
            self.sessions = {c: sessions.start(u, ip=None) for c, u in users.items()}
            db.session.commit()
            self.users = {c: u.id for c, u in users.items()}
            self.ids = ids
            db.session.remove()
        self.dirty = False


_WORLD = World()


@pytest.fixture(scope="module")
def world(app, tmp_path_factory):
    folder = tmp_path_factory.mktemp("matrix")
    saved = {key: app.config.get(key) for key in ("SCORING_WEIGHTS_FILE",)}
    app.config["SCORING_WEIGHTS_FILE"] = str(folder / "weights.json")
    _WORLD.dirty = True
    yield _WORLD
    app.config.update(saved)
    _clean(app)
    _WORLD.dirty = True


@pytest.fixture()
def fresh_world(app, world):
    """The world, built again if the last case changed it."""
    if world.dirty:
        world.build(app)
    with app.app_context():
        yield world
        db.session.rollback()
        db.session.remove()


def _csrf(app) -> str:
    key = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(key, salt="wtf-csrf-token").dumps(RAW_CSRF)


def web_client(app, world: World, caller: str):
    """A test client whose session is ``caller``'s, as login_user would leave it."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = RAW_CSRF
        if caller != "anon":
            session["_user_id"] = world.sessions[caller]  # a server-side session's token
            session["_fresh"] = True
    return client


@functools.cache
def _sheet(kind: str):
    """A parsed one-row sheet, as the upload page keeps it."""
    from matchmaker.services.sheets import imports, workbooks

    data = xlsx([need_row()]) if kind == "needs" else xlsx([offer_row()], OFFER_HEADERS)
    return workbooks.read_sheet(data, "a.xlsx", imports.HEADERS[kind])


def _store_upload(app, user_id: int, kind: str) -> str:
    with app.test_request_context():
        token = uploads.store(_sheet(kind), {
            "user_id": user_id, "kind": kind, "draft": True, "filename": "a.xlsx",
            "preview": {"rows": [], "headers": [], "ignored": [], "file_errors": [],
                        "ok": False, "counts": {}, "error_count": 0}})
        db.session.commit()
        return token


def _fill(value: Any, ids: dict) -> Any:
    if isinstance(value, str):
        for key, ident in ids.items():
            value = value.replace("{" + key + "}", str(ident))
        return value
    if isinstance(value, dict):
        filled = {k: _fill(v, ids) for k, v in value.items()}
        return filled
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _api_body(value: Any, ids: dict) -> Any:
    """API bodies: a whole ``{placeholder}`` is the integer id."""
    if isinstance(value, dict):
        return {k: (ids[v[1:-1]] if isinstance(v, str) and v[1:-1] in ids
                    and v.startswith("{") else v) for k, v in value.items()}
    return value


#: What a refused write must leave as it was: business rows, the reference rows the matrix
#: edits, accounts, tokens and notifications (not the audit log: a denial is recorded there).
#: Plain SQL run as is, so that taking a snapshot per case stays cheap.
SNAPSHOT_SQL = (
    "SELECT id, title, status, budget_yuan, committed_yuan FROM needs ORDER BY id",
    "SELECT id, title, status, budget_yuan, committed_yuan FROM offers ORDER BY id",
    "SELECT id, status, amount_yuan FROM matches ORDER BY id",
    "SELECT id, status FROM match_requests ORDER BY id",
    "SELECT id, status, name FROM organisations ORDER BY id",
    "SELECT id, role, active, password_hash FROM users ORDER BY id",
    "SELECT id, revoked_at FROM api_tokens ORDER BY id",
    "SELECT id, status FROM screening_hits ORDER BY id",
    "SELECT COUNT(*) FROM blacklist_entries",
    "SELECT COUNT(*) FROM notifications",
    "SELECT id, status, attempts FROM jobs ORDER BY id",
    "SELECT verified, notes FROM pairings WHERE id = (SELECT MIN(id) FROM pairings)",
    "SELECT name, verified, notes FROM regions WHERE code = '540200'",
    "SELECT COUNT(*) FROM concepts",
    "SELECT COUNT(*) FROM concept_terms",
    "SELECT name, sector_code, active FROM concepts WHERE id = (SELECT MIN(id) FROM concepts)",
    "SELECT term, active FROM concept_terms WHERE id = (SELECT MIN(id) FROM concept_terms)",
)


def snapshot() -> list:
    connection = db.session.connection()
    return [connection.exec_driver_sql(sql).all() for sql in SNAPSHOT_SQL]


REFUSALS = {401, 403, 404, 405}


def _request(app, world: World, row: Row, caller: str):
    ids = dict(world.ids)
    user_id = world.users.get(caller, 0)
    if "{upload_" in row.path or "{r1_upload}" in row.path:
        ids["upload_needs"] = _store_upload(app, user_id, "needs") if user_id else "a" * 32
        ids["upload_offers"] = _store_upload(app, user_id, "offers") if user_id else "a" * 32
        ids["r1_upload"] = _store_upload(app, world.users["r1"], "needs")
    path = _fill(row.path, ids)
    if row.api:
        client = app.test_client()
        headers = {"Authorization": f"Bearer {world.tokens[caller]}"} if caller != "anon" else {}
        body = _api_body(row.data, ids)
        return client.open(path, method=row.method, json=body, headers=headers)
    client = web_client(app, world, caller)
    if row.method == "GET":
        return client.get(path)
    data = {**_fill(row.data or {}, ids), "csrf_token": _csrf(app)}
    return client.open(path, method=row.method, data=data)


def _check(response, expected) -> None:
    body = response.get_data()[:300].decode("utf-8", "replace")
    if isinstance(expected, tuple):
        status, prefix = expected
        assert response.status_code == status, body
        location = response.headers.get("Location", "")
        assert location.startswith(prefix), location
    else:
        assert response.status_code == expected, body


def _run(request, app, world: World, row: Row, caller: str) -> None:
    expected = row.expect[caller]
    refused = (expected[0] if isinstance(expected, tuple) else expected) in REFUSALS or (
        expected == LOGIN and caller == "anon")
    if row.reference and not refused:
        request.getfixturevalue("fresh_reference")
        world.dirty = True  # fresh_reference reseeds everything after the test
    before = snapshot() if row.write else None
    world.dirty = True  # until proven otherwise
    response = _request(app, world, row, caller)
    db.session.rollback()
    db.session.expire_all()
    after = snapshot() if row.write else None
    _check(response, expected)
    if row.write and refused:
        assert after == before, "a refused write changed the database"
    world.dirty = (row.write and after != before or row.reference and not refused
                   or row.endpoint == "auth.logout" and not refused)  # the session ended


def _cases(rows):
    return [pytest.param(row, caller, id=f"{row.label} as {caller}")
            for row in rows for caller in CALLERS]


@pytest.mark.parametrize(("row", "caller"), _cases(WEB_ROWS))
def test_web_matrix(request, app, fresh_world, row, caller):
    _run(request, app, fresh_world, row, caller)


@pytest.mark.parametrize(("row", "caller"), _cases(API_ROWS))
def test_api_matrix(request, app, fresh_world, row, caller):
    _run(request, app, fresh_world, row, caller)


def test_every_route_is_in_the_matrix(app):
    rules = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    covered = {(row.endpoint, row.method) for row in WEB_ROWS + API_ROWS}
    assert rules - covered - EXEMPT == set(), "add rows for these routes"
    assert covered - rules == set(), "rows for routes that do not exist"
    assert rules >= EXEMPT, "exempt routes that do not exist"


def test_every_row_names_every_caller():
    for row in WEB_ROWS + API_ROWS:
        assert set(row.expect) == set(CALLERS), row.label


def test_a_denial_is_an_audit_event(app, fresh_world):
    client = web_client(app, fresh_world, "r1")
    assert client.get("/reference/regions").status_code == 403
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "permission.denied",
        AuditEvent.user_id == fresh_world.users["r1"]).order_by(AuditEvent.id.desc()))
    assert event is not None
    assert event.result == "denied"
    assert event.changes == {"path": "/reference/regions", "method": "GET"}


def test_a_frozen_organisations_user_changes_the_password_and_logs_out(app, fresh_world):
    """The contract's exceptions: a suspended organisation's user still changes the
    password (a real change, checked by logging in with it) and logs out."""
    client = web_client(app, fresh_world, "rs")
    user = db.session.get(User, fresh_world.users["rs"])
    response = client.post("/profile/password", data={
        "old_password": factories.PASSWORD, "new_password": "Neu-Passw0rt!2027",
        "confirm": "Neu-Passw0rt!2027", "csrf_token": _csrf(app)})
    assert response.status_code == 302 and response.headers["Location"] == "/profile"
    fresh_world.dirty = True
    db.session.refresh(user)
    assert client.get("/needs/{}".format(fresh_world.ids["rs_draft"])).status_code == 200
    response = client.post("/logout", data={"csrf_token": _csrf(app)})
    assert response.headers["Location"] == "/login"
    assert client.get("/profile").headers["Location"].startswith("/login")
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": user.email, "password": "Neu-Passw0rt!2027",
                                           "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/home"
