"""Who the user is: roles, organisation standing, ownership."""

from __future__ import annotations

from typing import Any

RECIPIENT, SUPPORTER, COORDINATOR, ADMIN = "recipient", "supporter", "coordinator", "admin"
ORG_ROLES = (RECIPIENT, SUPPORTER)
STAFF_ROLES = (COORDINATOR, ADMIN)
#: Which role owns which kind of list item.
OWNER_ROLE = {"Need": RECIPIENT, "Offer": SUPPORTER}
#: The list kind (``needs`` / ``offers``) each organisation role posts.
POSTS = {RECIPIENT: "needs", SUPPORTER: "offers"}


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def has_role(user: Any, *roles: str) -> bool:
    return signed_in(user) and user.role in roles


def is_staff(user: Any) -> bool:
    """Coordinators and admins see everything."""
    return has_role(user, *STAFF_ROLES)


def is_coordinator(user: Any) -> bool:
    return has_role(user, COORDINATOR)


def is_admin(user: Any) -> bool:
    return has_role(user, ADMIN)


def is_org_user(user: Any) -> bool:
    """Recipients and supporters: users who act for one organisation."""
    return has_role(user, *ORG_ROLES)


#: Organisation statuses whose users act and whose items are published and ranked.
ACTING_ORG_STATUSES = ("verified",)


def org_may_act(org: Any) -> bool:
    """A verified organisation (or none: staff without one)."""
    return org is None or org.status in ACTING_ORG_STATUSES


def may_act(user: Any) -> bool:
    """Signed in, and not acting for a pending or suspended organisation."""
    return signed_in(user) and org_may_act(getattr(user, "organisation", None))


def is_org_role(role: str) -> bool:
    """Whether ``role`` (a role name, e.g. chosen at sign-up) acts for an organisation."""
    return role in ORG_ROLES


def org_users_clause(role_column: Any) -> Any:
    """SQL: users who act for an organisation (recipients and supporters)."""
    return role_column.in_(ORG_ROLES)


def coordinators_clause(role_column: Any) -> Any:
    """SQL: coordinators (who hear about every match)."""
    return role_column == COORDINATOR


def same_org(user: Any, obj: Any) -> bool:
    org_id = getattr(user, "organisation_id", None)
    return org_id is not None and org_id == getattr(obj, "organisation_id", None)


def posted_kind(user: Any) -> str | None:
    """``needs`` for recipients, ``offers`` for supporters, else None."""
    return POSTS.get(getattr(user, "role", None)) if signed_in(user) else None
