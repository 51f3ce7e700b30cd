"""Accounts service: password rules, user creation, tokens."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.services.accounts import identity
from matchmaker.services.errors import Conflict, DomainError
from tests import factories


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Abcdef1!", True),
        ("abcdefg1!", True),
        ("ABCDEFG12", False),  # two classes
        ("Ab1!", False),  # too short
        ("密码密码Ab12", True),  # CJK counts as a symbol class
        ("abcdefgh", False),
    ],
)
def test_password_rules(password, ok):
    assert (identity.password_problems(password) == []) is ok


def test_create_user_normalises_email_and_hashes_password(ctx):
    org = factories.make_org()
    user = identity.create_user(email=" Li.Ming@Example.CN ", password="Strong-Pass1",
                                role="recipient", display_name="李明", organisation=org)
    assert user.email == "li.ming@example.cn"
    assert user.password_hash.startswith("scrypt:")
    assert "Strong-Pass1" not in user.password_hash


def test_duplicate_email_is_a_conflict(ctx):
    org = factories.make_org()
    identity.create_user(email="a@example.cn", password="Strong-Pass1", role="recipient",
                         display_name="甲", organisation=org)
    with pytest.raises(Conflict):
        identity.create_user(email="A@example.cn", password="Strong-Pass1", role="recipient",
                             display_name="乙", organisation=org)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"role": "king"}, "role"),
        ({"password": "weak"}, "password"),
        ({"organisation": None}, "org"),
    ],
)
def test_create_user_rejects_bad_input(ctx, kwargs, field):
    values = {"email": "b@example.cn", "password": "Strong-Pass1", "role": "supporter",
              "display_name": "丙", "organisation": factories.make_org()}
    values.update(kwargs)
    with pytest.raises(DomainError) as info:
        identity.create_user(**values)
    assert field in info.value.fields


def test_token_for_inactive_user_is_refused(ctx):
    user = factories.make_user("supporter")
    token = identity.create_token(user)
    assert identity.user_for_token(token) == user
    user.active = False
    db.session.flush()
    assert identity.user_for_token(token) is None
    assert identity.user_for_token("mm_not-a-token") is None


@pytest.mark.parametrize("password", ["Password1", "P@ssw0rd", "Qwerty123", "Woaini1314"])
def test_common_passwords_are_refused(password):
    """They meet the length and character-class rules but are on the common list."""
    assert any("过于常见" in p for p in identity.password_problems(password))


def test_an_uncommon_password_passes():
    assert identity.password_problems("Lhasa-Kashgar-77") == []


def test_common_password_list_is_shipped():
    assert len(identity._common_passwords()) >= 3000


def test_production_refuses_a_short_secret_key():
    from matchmaker import create_app

    with pytest.raises(RuntimeError, match="32 bytes"):
        create_app("production", {"SECRET_KEY": "too-short", "SQLALCHEMY_DATABASE_URI":
                                  "sqlite://"})
    app = create_app("production", {"SECRET_KEY": "x" * 32,
                                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"]
