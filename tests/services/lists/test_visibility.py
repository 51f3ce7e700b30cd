"""Contact visibility: one service for the pages and the API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from matchmaker.extensions import db
from matchmaker.models import Match, User
from matchmaker.services.lists import visibility
from tests import factories

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture()
def pair(ctx, users):
    need = factories.make_need(users["recipient"].organisation, contact_phone="13812345678")
    offer = factories.make_offer(users["supporter"].organisation)
    db.session.commit()
    return need, offer


def make_match(need, offer, status):
    db.session.add(Match(need_id=need.id, offer_id=offer.id, status=status,
                         amount_yuan=1000 if status != "rejected" else 0))
    db.session.commit()


def test_matched_party_sees_contact_only_while_the_match_is_live(pair, users):
    need, offer = pair
    supporter = users["supporter"]
    assert not visibility.shows_contact(supporter, need)
    make_match(need, offer, "rejected")
    assert not visibility.is_matched_party(supporter, need)
    make_match(need, offer, "confirmed")
    assert visibility.is_matched_party(supporter, need)
    assert visibility.shows_contact(supporter, need)
    assert visibility.shows_contact(users["recipient"], offer)
    assert visibility.shows_contact(users["coordinator"], need)


def test_user_without_organisation_is_never_a_matched_party(pair, users):
    need, offer = pair
    make_match(need, offer, "confirmed")
    assert not visibility.is_matched_party(User(), need)


def test_the_api_imports_no_html_view_module():
    code = ("import matchmaker.api, sys; "
            "bad = [m for m in sys.modules if m.startswith('matchmaker.') "
            "and m.rsplit('.', 1)[-1] in ('views', 'routes', 'forms')]; "
            "assert not bad, bad")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,  # noqa: S603
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
