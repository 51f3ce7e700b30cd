"""Who may do what: pure predicates ``can_x(user, obj) -> bool`` and the decorators
that enforce them on views. Every rule about roles lives here."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

#: Which role owns which kind of list item.
OWNER_ROLE = {"Need": "recipient", "Offer": "supporter"}


def has_role(user: Any, *roles: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in roles


def is_staff(user: Any) -> bool:
    """Coordinators and admins see everything."""
    return has_role(user, "coordinator", "admin")


def same_org(user: Any, obj: Any) -> bool:
    org_id = getattr(user, "organisation_id", None)
    return org_id is not None and org_id == getattr(obj, "organisation_id", None)


def can_view_item(user: Any, item: Any) -> bool:
    """Published and closed needs/offers are visible to every user; drafts to their org."""
    if not getattr(user, "is_authenticated", False):
        return False
    return item.status != "draft" or same_org(user, item)


def can_edit_item(user: Any, item: Any) -> bool:
    """Only users of the owning organisation with the owning role edit a need/offer."""
    return has_role(user, OWNER_ROLE[type(item).__name__]) and same_org(user, item)


def can_change_status(user: Any, item: Any) -> bool:
    """Publish/close/reopen: the owners, and coordinators (published ⇄ closed)."""
    if can_edit_item(user, item):
        return True
    return has_role(user, "coordinator") and item.status != "draft"


def can_view_match(user: Any, match: Any) -> bool:
    """Coordinators and admins, and the two organisations of the match."""
    if is_staff(user):
        return True
    org_id = getattr(user, "organisation_id", None)
    return org_id is not None and org_id in (match.need.organisation_id,
                                             match.offer.organisation_id)


def can_see_candidates(user: Any, item: Any) -> bool:
    """Ranked candidates of a need/offer: coordinators and the owning organisation."""
    return has_role(user, "coordinator") or same_org(user, item)


def can_answer_match(user: Any, match: Any) -> bool:
    """Accept or decline: users of the need's organisation (recipients) or of the offer's
    organisation (supporters)."""
    org_id = getattr(user, "organisation_id", None)
    return (has_role(user, "recipient") and org_id == match.need.organisation_id) or (
        has_role(user, "supporter") and org_id == match.offer.organisation_id)


def can_decide_matches(user: Any) -> bool:
    return has_role(user, "coordinator")


def can_post_need(user: Any) -> bool:
    return has_role(user, "recipient") and user.organisation_id is not None


def can_post_offer(user: Any) -> bool:
    return has_role(user, "supporter") and user.organisation_id is not None


def can_see_contact(user: Any, item: Any, *, matched: bool = False) -> bool:
    """Contact data: coordinators, the owning organisation and matched parties."""
    return is_staff(user) or same_org(user, item) or (matched and user.is_authenticated)


def can_manage_reference_data(user: Any) -> bool:
    return has_role(user, "admin")


def can_manage_users(user: Any) -> bool:
    return has_role(user, "admin")


def can_vet_organisations(user: Any) -> bool:
    return is_staff(user)


def can_view_organisation(user: Any, org: Any) -> bool:
    """An organisation's page: coordinators and admins, and the organisation's own users."""
    return is_staff(user) or (getattr(user, "is_authenticated", False)
                              and user.organisation_id is not None
                              and user.organisation_id == org.id)


def can_register_organisations(user: Any) -> bool:
    """Admin entry of a new organisation (self-service sign-up needs no account)."""
    return has_role(user, "admin")


def can_import_blacklist(user: Any) -> bool:
    """Importing 非法社会组织 lists is reference data: admins."""
    return has_role(user, "admin")


def can_review_screening(user: Any) -> bool:
    """The screening review queue: coordinators (and admins) clear hits or suspend."""
    return is_staff(user)


def can_view_audit_log(user: Any) -> bool:
    return is_staff(user)


def needs_reauthentication(user: Any) -> bool:
    """Admins confirm their password for status changes and suspensions."""
    return has_role(user, "admin")


def can_import_list(user: Any, kind: str) -> bool:
    """Sheet import: recipients import needs and supporters offers for their own
    organisation; coordinators and admins import both, naming organisations in 提交单位."""
    if is_staff(user):
        return True
    return can_post_need(user) if kind == "needs" else can_post_offer(user)


def role_required(*roles: str):
    """Require a logged-in user with one of ``roles`` (403 otherwise)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_view_dashboard(user: Any) -> bool:
    """Coverage dashboards, gap analysis and report exports: coordinators and admins."""
    return is_staff(user)


def can_view_honours(user: Any) -> bool:
    """The 表彰 list and certificates are for publicity: every signed-in user."""
    return bool(getattr(user, "is_authenticated", False))
