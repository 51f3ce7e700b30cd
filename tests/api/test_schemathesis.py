"""Property-based contract check: Schemathesis against the app's own OpenAPI document.

Every operation of /api/v1/openapi.json is called with generated (valid and invalid) input,
as a coordinator and as a recipient, on a database with a few real needs, offers and
matches; generated ``{id}``s and body ids are mostly mapped onto those rows so that the
happy paths are exercised too. Each response must not be a 5xx, must have a status code
the document declares, and must match the declared schema (errors included:
``{error, message, fields}``). Bounded (few examples, no deadline) to stay well under a
minute on a 2-core machine.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from matchmaker import create_app
from matchmaker.extensions import db, limiter
from matchmaker.services.accounts import identity
from tests import factories

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


#: The document as the app serves it (it is built from the route registry and the pydantic
#: schemas, no database needed); requests then go to the test database's app (``app=``).
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))


@pytest.fixture()
def world(client, users):
    """Demo-like rows: needs and offers in every status, and matches in several states."""
    recipient, supporter = users["recipient"].organisation, users["supporter"].organisation
    other = factories.make_org(region_code="540100")
    needs = [
        factories.make_need(recipient, region_code="540222", sector_code="0104",
                            budget_yuan=600_000, title="江孜县乡村教师培训",
                            description="培训乡村教师一百二十人"),
        factories.make_need(recipient, region_code="540200", sector_code="0104",
                            budget_yuan=300_000, title="日喀则市教学设备"),
        factories.make_need(recipient, status="draft", title="本单位草稿需求"),
        factories.make_need(other, status="draft", title="他单位草稿需求"),
        factories.make_need(other, status="closed", title="已关闭需求"),
    ]
    offers = [
        factories.make_offer(supporter, sectors=("0104",), regions=("540222",),
                             budget_yuan=1_000_000, title="基层教师能力提升"),
        factories.make_offer(supporter, sectors=("0104",), budget_yuan=500_000,
                             title="教育设备捐赠"),
        factories.make_offer(supporter, status="draft", title="支援方草稿供给"),
    ]
    db.session.commit()
    tokens = {role: identity.create_token(user, "schemathesis") for role, user in users.items()}
    db.session.commit()

    def as_(role):
        return {"Authorization": f"Bearer {tokens[role]}"}

    def decide(need, offer, status, amount):
        response = client.post("/api/v1/matches", headers=as_("coordinator"), json={
            "need_id": need.id, "offer_id": offer.id, "status": status,
            "amount_yuan": amount, "note": "测试"})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    confirmed = decide(needs[0], offers[0], "confirmed", 200_000)
    accepted = decide(needs[1], offers[1], "confirmed", 100_000)
    for role in ("recipient", "supporter"):
        assert client.post(f"/api/v1/matches/{accepted}/accept",
                           headers=as_(role)).status_code == 200
    rejected = decide(needs[0], offers[1], "rejected", 0)
    ids = {"needs": [n.id for n in needs], "offers": [o.id for o in offers],
           "matches": [confirmed, accepted, rejected]}
    yield tokens, ids
    limiter.reset()


def _aim(case, ids) -> None:
    """Point most generated ids at real rows (odd ones stay as generated: 404/422 paths)."""
    path = case.path_parameters
    if path and "id" in path and isinstance(path["id"], int) and path["id"] % 4 != 3:
        rows = ids[case.operation.path.split("/")[1]]
        path["id"] = rows[path["id"] % len(rows)]
    if isinstance(case.body, dict):
        for key, kind in (("need_id", "needs"), ("offer_id", "offers")):
            value = case.body.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value % 4 != 3:
                case.body[key] = ids[kind][value % len(ids[kind])]


SETTINGS = settings(max_examples=8, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


def _check(app, case, world, role: str) -> None:
    tokens, ids = world
    _aim(case, ids)
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS,
                           app=app)


@schema.parametrize()
@SETTINGS
def test_api_conforms_to_its_openapi_document_as_coordinator(app, case, world):
    _check(app, case, world, "coordinator")


@schema.parametrize()
@SETTINGS
def test_api_conforms_to_its_openapi_document_as_recipient(app, case, world):
    _check(app, case, world, "recipient")
