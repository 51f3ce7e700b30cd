"""The role × route permission matrix. Every route of the app has a row here."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import Pairing
from matchmaker.services.matching import lifecycle
from tests import factories

ALL = ("recipient", "supporter", "coordinator", "admin")
STAFF = ("coordinator", "admin")
ADMIN = ("admin",)
PUBLIC = "public"


def _pairing_id() -> int:
    return db.session.scalar(select(Pairing.id).order_by(Pairing.id))


def _own_only(owner: str, others: int = 404) -> dict[str, int]:
    """Drafts: the owner's role sees them; everyone else gets ``others``."""
    return {role: (200 if role == owner else others) for role in ALL}


NEED_FORM = {"title": "日喀则市社工站建设", "sector": "1001", "region": "540200",
             "budget_wan": "12.5", "publish": "1"}
OFFER_FORM = {"title": "社工站建设援助", "sectors": ["1001"], "budget_wan": "30",
              "publish": "1"}


# (endpoint, method, path or callable, roles allowed, form data, changes reference data)
ROUTES = [
    ("main.index", "GET", "/", PUBLIC, None, False),
    ("main.healthz", "GET", "/healthz", PUBLIC, None, False),
    ("auth.login", "GET", "/login", PUBLIC, None, False),
    ("main.home", "GET", "/home", ALL, None, False),
    ("main.notifications", "GET", "/notifications", ALL, None, False),
    ("main.notifications_read", "POST", "/notifications/read", ALL, {}, False),
    ("auth.profile", "GET", "/profile", ALL, None, False),
    ("auth.logout", "POST", "/logout", ALL, {}, False),
    ("auth.change_password", "POST", "/profile/password", ALL, {}, False),
    ("auth.create_token", "POST", "/profile/tokens", ALL, {"name": "x"}, False),
    ("auth.revoke_token", "POST", "/profile/tokens/999999/revoke", ALL, {}, False),
    ("reference.pairings", "GET", "/reference/pairings", ALL, None, False),
    ("reference.sectors", "GET", "/reference/sectors", ALL, None, False),
    ("needs.index", "GET", "/needs", ALL, None, False),
    ("needs.detail", "GET", lambda o: f"/needs/{o['need']}", ALL, None, False),
    ("needs.detail", "GET", lambda o: f"/needs/{o['need_draft']}", _own_only("recipient"),
     None, False),
    ("needs.create", "GET", "/needs/new", ("recipient",), None, False),
    ("needs.create", "POST", "/needs/new", ("recipient",), NEED_FORM, False),
    ("needs.edit", "GET", lambda o: f"/needs/{o['need']}/edit", ("recipient",), None, False),
    ("needs.edit", "POST", lambda o: f"/needs/{o['need']}/edit", ("recipient",), NEED_FORM,
     False),
    ("needs.status", "POST", lambda o: f"/needs/{o['need']}/status",
     ("recipient", "coordinator"), {"action": "close"}, False),
    ("needs.delete", "GET", lambda o: f"/needs/{o['need_draft']}/delete",
     _own_only("recipient"), None, False),
    ("needs.delete", "POST", lambda o: f"/needs/{o['need_draft']}/delete",
     _own_only("recipient"), {}, False),
    ("matches.index", "GET", "/matches", ALL, None, False),
    ("matches.for_need", "GET", lambda o: f"/matches/need/{o['need']}",
     ("recipient", "coordinator"), None, False),
    ("matches.for_offer", "GET", lambda o: f"/matches/offer/{o['offer']}",
     ("supporter", "coordinator"), None, False),
    ("matches.confirm", "POST", "/matches/confirm", ("coordinator",),
     {"need_id": "0", "offer_id": "0", "amount_wan": "1"}, False),
    ("matches.reject", "POST", "/matches/reject", ("coordinator",),
     {"need_id": "0", "offer_id": "0", "note": "x"}, False),
    ("matches.plan", "GET", "/matches/plan?run=1", ("coordinator",), None, False),
    ("matches.plan_confirm", "POST", "/matches/plan/confirm", ("coordinator",), {}, False),
    ("matches.detail", "GET", lambda o: f"/matches/{o['match']}", ALL, None, False),
    ("matches.accept", "POST", lambda o: f"/matches/{o['match']}/accept",
     ("recipient", "supporter"), {}, False),
    ("matches.decline", "POST", lambda o: f"/matches/{o['match']}/decline",
     ("recipient", "supporter"), {}, False),
    ("matches.cancel", "POST", lambda o: f"/matches/{o['match']}/cancel", ("coordinator",),
     {}, False),
    ("matches.complete", "POST", lambda o: f"/matches/{o['match']}/complete", ("recipient",),
     {"completed_on": "2027-01-01", "delivered_wan": "1"}, False),
    ("matches.confirm_delivery", "POST", lambda o: f"/matches/{o['match']}/confirm-delivery",
     ("supporter",), {}, False),
    ("matches.dispute_delivery", "POST", lambda o: f"/matches/{o['match']}/dispute-delivery",
     ("supporter",), {"note": "金额不符"}, False),
    ("matches.correct", "POST", lambda o: f"/matches/{o['match']}/correct", ("coordinator",),
     {"completed_on": "2026-01-01", "delivered_wan": "0.1", "reason": "核实"}, False),
    ("matches.change_amount", "POST", lambda o: f"/matches/{o['match']}/amount",
     ("coordinator",), {"amount_wan": "0.2"}, False),
    ("offers.index", "GET", "/offers", ALL, None, False),
    ("offers.detail", "GET", lambda o: f"/offers/{o['offer']}", ALL, None, False),
    ("offers.detail", "GET", lambda o: f"/offers/{o['offer_draft']}", _own_only("supporter"),
     None, False),
    ("offers.create", "GET", "/offers/new", ("supporter",), None, False),
    ("offers.create", "POST", "/offers/new", ("supporter",), OFFER_FORM, False),
    ("offers.edit", "GET", lambda o: f"/offers/{o['offer']}/edit", ("supporter",), None, False),
    ("offers.edit", "POST", lambda o: f"/offers/{o['offer']}/edit", ("supporter",),
     OFFER_FORM, False),
    ("offers.status", "POST", lambda o: f"/offers/{o['offer']}/status",
     ("supporter", "coordinator"), {"action": "close"}, False),
    ("offers.delete", "GET", lambda o: f"/offers/{o['offer_draft']}/delete",
     _own_only("supporter"), None, False),
    ("offers.delete", "POST", lambda o: f"/offers/{o['offer_draft']}/delete",
     _own_only("supporter"), {}, False),
    ("reference.regions", "GET", "/reference/regions", STAFF, None, False),
    ("reference.edit_pairing", "GET", lambda o: f"/reference/pairings/{_pairing_id()}/edit",
     ADMIN, None, False),
    ("reference.edit_pairing", "POST", lambda o: f"/reference/pairings/{_pairing_id()}/edit",
     ADMIN, {"verified": "y", "active": "y", "notes": "核实"}, True),
    ("reference.scoring", "GET", "/reference/scoring", STAFF, None, False),
    ("reference.scoring_learn", "POST", "/reference/scoring/learn", ADMIN, {}, False),
    ("reference.scoring_defaults", "POST", "/reference/scoring/defaults", ADMIN, {}, False),
    ("reference.edit_region", "GET", "/reference/regions/540200/edit", ADMIN, None, False),
    ("reference.edit_region", "POST", "/reference/regions/540200/edit", ADMIN,
     {"name": "日喀则市", "verified": "y", "notes": ""}, True),
]

CASES = [
    pytest.param(row, role, id=f"{row[1]} {row[0]} as {role}")
    for row in ROUTES
    for role in ("anonymous", *ALL)
]


@pytest.fixture()
def objs(users):
    """A published item and a draft of each list, owned by the role users' organisations."""
    recipient_org = users["recipient"].organisation
    supporter_org = users["supporter"].organisation
    made = {
        "need": factories.make_need(recipient_org).id,
        "need_draft": factories.make_need(recipient_org, status="draft").id,
        "offer": factories.make_offer(supporter_org).id,
        "offer_draft": factories.make_offer(supporter_org, status="draft").id,
    }
    pair = lifecycle.Decision(factories.make_need(recipient_org).id,
                            factories.make_offer(supporter_org).id, "confirmed", 1000)
    db.session.commit()
    made["match"] = unit_of_work.run(lambda: lifecycle.decide(pair, by=users["coordinator"])).id
    return made


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix(request, client, login_as, post_form, objs, row, role):
    endpoint, method, path, allowed, data, dirties = row
    path = path(objs) if callable(path) else path
    login_as(role)
    if method == "GET":
        response = client.get(path)
    else:
        if dirties and role in allowed:
            request.getfixturevalue("fresh_reference")
        response = post_form(path, data)
    status = response.status_code
    if isinstance(allowed, dict) and role != "anonymous":
        expected = allowed[role]
        assert status == expected or (expected == 200 and status == 302), status
    elif allowed == PUBLIC:
        assert status in (200, 302)
    elif role == "anonymous":
        assert status == 302
        assert "/login" in response.headers["Location"]
    elif role in allowed or isinstance(allowed, dict):
        assert status not in (401, 403, 404, 500), response.get_data(as_text=True)[:500]
    else:
        assert status == 403


def _all_rows() -> list[tuple]:
    """This module's rows and those of the other permission modules (test_permissions_*)."""
    import importlib
    import pkgutil

    import tests.web as package

    rows = list(ROUTES)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("test_permissions_"):
            module = importlib.import_module(f"tests.web.{info.name}")
            rows += module.ROUTES + list(getattr(module, "TOKEN_ROUTES", []))
    from tests.api.test_api_permissions import ROUTES as API_ROUTES

    return rows + API_ROUTES


def test_every_route_is_in_the_matrix(app):
    covered = {row[0] for row in _all_rows()} | {"static"}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - covered == set(), "add these endpoints to ROUTES"


def test_denials_are_audited(client, login_as, users):
    from matchmaker.models import AuditEvent

    login_as("recipient")
    assert client.get("/reference/regions").status_code == 403
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "permission.denied"))
    assert event.user_id == users["recipient"].id
    assert event.changes["path"] == "/reference/regions"
