"""Registering a new organisation: self-service sign-up (organisation plus its first user)."""

from __future__ import annotations

from dataclasses import dataclass

from ...extensions import db
from ...models import Organisation, User
from ...permissions import is_org_role
from ..errors import DomainError
from ..organisations import directory
from ..platform import audit
from . import identity


@dataclass(frozen=True)
class OrgDetails:
    """What registration records about an organisation (validated by the service)."""

    name: str
    kind: str
    region_code: str | None
    uscc: str | None
    legal_form: str | None
    registration_authority: str = ""
    is_charity: bool = False
    has_public_fundraising: bool = False
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""

    def extra(self) -> dict:
        return {
            "registration_authority": self.registration_authority.strip(),
            "is_charity": self.is_charity,
            "has_public_fundraising": self.has_public_fundraising,
            "contact_name": self.contact_name.strip(),
            "contact_phone": self.contact_phone.strip(),
            "contact_email": self.contact_email.strip(),
        }


@dataclass(frozen=True)
class FirstUser:
    email: str
    password: str
    display_name: str
    role: str  # recipient or supporter


def create(details: OrgDetails, *, status: str = "pending", by: User | None = None
           ) -> tuple[Organisation, list[str]]:
    """Admin entry: create an organisation (audited and screened on creation)."""
    return directory.create_organisation(
        name=details.name, kind=details.kind, region_code=details.region_code,
        uscc_code=details.uscc, legal_form=details.legal_form, status=status, by=by,
        **details.extra())


def sign_up(details: OrgDetails, first: FirstUser, *, ip: str | None = None
            ) -> tuple[Organisation | None, User | None, list[str]]:
    """Self-service: a ``pending`` organisation and its first user, nothing published
    until a coordinator verifies the organisation.

    An e-mail address already in use is not revealed: the whole sign-up is validated as
    usual, nothing is kept, the attempt is audited and ``(None, None, warnings)`` comes
    back, which the page answers exactly like a successful sign-up."""
    if not is_org_role(first.role):
        raise DomainError("账户类型须为受援方或支援方。", fields={"role": ["请选择。"]})
    email = identity.normalise_email(first.email)
    if identity.get_user_by_email(email) is not None:
        return None, None, _dry_run(details, first, email, ip=ip)
    return _sign_up(details, first, ip=ip)


def _dry_run(details: OrgDetails, first: FirstUser, email: str, *, ip: str | None
             ) -> list[str]:
    """Validate a sign-up whose e-mail is taken (same errors as a real one), keep nothing."""
    problems = identity.password_problems(first.password)
    savepoint = db.session.begin_nested()
    try:
        _org, warnings = directory.create_organisation(
            name=details.name, kind=details.kind, region_code=details.region_code,
            uscc_code=details.uscc, legal_form=details.legal_form, status="pending",
            **details.extra())
    finally:
        savepoint.rollback()
    if problems:
        raise DomainError(" ".join(problems), fields={"password": problems})
    audit.record("organisation.register", actor=email, ip=ip, result="refused",
                 changes={"reason": "email_taken", "organisation": [None, details.name]})
    return warnings


def _sign_up(details: OrgDetails, first: FirstUser, *, ip: str | None
             ) -> tuple[Organisation, User, list[str]]:
    org, warnings = directory.create_organisation(
        name=details.name, kind=details.kind, region_code=details.region_code,
        uscc_code=details.uscc, legal_form=details.legal_form, status="pending",
        **details.extra())
    user = identity.create_user(email=first.email, password=first.password, role=first.role,
                                display_name=first.display_name, organisation=org)
    audit.record("organisation.register", user=user, entity=org, ip=ip, organisation_id=org.id,
                 changes={"channel": [None, "self_service"], "user": [None, user.email]})
    return org, user, warnings
