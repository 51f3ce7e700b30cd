"""Invariants the database itself enforces (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from matchmaker.extensions import db
from matchmaker.models import Match
from tests import factories


@pytest.fixture()
def org(ctx):
    return factories.make_org()


def _flush_fails():
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("budget", [0, -100])
def test_need_budget_must_be_positive(org, budget):
    need = factories.make_need(org)
    need.budget_yuan = budget
    _flush_fails()


def test_committed_cannot_exceed_budget(org):
    offer = factories.make_offer(org)
    offer.committed_yuan = offer.budget_yuan + 1
    _flush_fails()


def test_end_date_before_start_is_refused(org):
    from datetime import date

    need = factories.make_need(org)
    need.start_date, need.end_date = date(2027, 5, 1), date(2027, 4, 1)
    _flush_fails()


def test_unknown_status_is_refused(org):
    need = factories.make_need(org)
    need.status = "approved"
    _flush_fails()


def test_unknown_sector_is_refused(org):
    need = factories.make_need(org)
    need.sector_code = "9999"
    _flush_fails()


def _match(need, offer, status="confirmed", amount=100_000):
    match = Match(need=need, offer=offer, status=status, amount_yuan=amount, factors={},
                  reasons=[])
    db.session.add(match)
    return match


def test_one_live_match_per_pair(org):
    need, offer = factories.make_need(org), factories.make_offer(org)
    _match(need, offer)
    db.session.flush()
    _match(need, offer, status="accepted")
    _flush_fails()


def test_dead_matches_do_not_block_a_new_live_one(org):
    need, offer = factories.make_need(org), factories.make_offer(org)
    _match(need, offer, status="cancelled")
    _match(need, offer, status="rejected", amount=0)
    db.session.flush()
    _match(need, offer)
    db.session.flush()  # allowed


def test_live_match_needs_a_positive_amount(org):
    need, offer = factories.make_need(org), factories.make_offer(org)
    _match(need, offer, amount=0)
    _flush_fails()


def test_organisation_names_and_credit_codes_are_unique(ctx):
    factories.make_org(name="同名单位", uscc="53100000500019795A")
    with pytest.raises(IntegrityError):
        factories.make_org(name="同名单位")
    db.session.rollback()
    factories.make_org(name="甲单位", uscc="53100000500019795A")
    with pytest.raises(IntegrityError):
        factories.make_org(name="乙单位", uscc="53100000500019795A")
    db.session.rollback()
