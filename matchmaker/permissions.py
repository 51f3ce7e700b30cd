"""Who may do what. Every rule about roles and organisation standing lives here, and only
here: routes, API handlers, services' guards, the navigation and the buttons in templates
all ask these predicates.

Predicates are pure functions ``can_x(user, obj=None) -> bool``. They are also registered
by name in :data:`RULES`, so templates ask ``can('edit_item', need)`` and views guard with
``@requires('view_dashboard')`` or ``authorise('answer_match', match)``.

Organisation standing: users of a ``pending`` or ``suspended`` organisation read their own
data and change nothing (every business write is refused); staff without an organisation
act freely.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

RECIPIENT, SUPPORTER, COORDINATOR, ADMIN = "recipient", "supporter", "coordinator", "admin"
ORG_ROLES = (RECIPIENT, SUPPORTER)
STAFF_ROLES = (COORDINATOR, ADMIN)
#: Which role owns which kind of list item.
OWNER_ROLE = {"Need": RECIPIENT, "Offer": SUPPORTER}
#: The list kind (``needs`` / ``offers``) each organisation role posts.
POSTS = {RECIPIENT: "needs", SUPPORTER: "offers"}

Predicate = Callable[..., bool]
RULES: dict[str, Predicate] = {}


def rule(fn: Predicate) -> Predicate:
    """Register ``can_x`` under the name ``x`` for :func:`can` and templates."""
    RULES[fn.__name__.removeprefix("can_")] = fn
    return fn


# -- who the user is ------------------------------------------------------------------

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


# -- needs and offers -----------------------------------------------------------------

@rule
def can_view_item(user: Any, item: Any) -> bool:
    """Published and closed needs/offers are visible to every user; drafts to their org."""
    return signed_in(user) and (item.status != "draft" or same_org(user, item))


@rule
def can_edit_item(user: Any, item: Any) -> bool:
    """Users of the owning organisation with the owning role, while it is in good standing."""
    return (has_role(user, OWNER_ROLE[type(item).__name__]) and same_org(user, item)
            and may_act(user))


@rule
def can_change_status(user: Any, item: Any) -> bool:
    """Publish/close/reopen: the owners, and coordinators (published ⇄ closed)."""
    return can_edit_item(user, item) or (is_coordinator(user) and item.status != "draft")


@rule
def can_delete_item(user: Any, item: Any) -> bool:
    """Deleting (drafts only, a service rule): the owners."""
    return can_edit_item(user, item)


@rule
def can_post_need(user: Any, obj: Any = None) -> bool:
    return has_role(user, RECIPIENT) and user.organisation_id is not None and may_act(user)


@rule
def can_post_offer(user: Any, obj: Any = None) -> bool:
    return has_role(user, SUPPORTER) and user.organisation_id is not None and may_act(user)


def can_post(user: Any, kind: str) -> bool:
    """``kind`` is ``needs`` or ``offers``."""
    return can_post_need(user) if kind == "needs" else can_post_offer(user)


@rule
def can_import_list(user: Any, kind: str) -> bool:
    """Sheet import: recipients import needs and supporters offers for their own
    organisation; coordinators and admins import both, naming organisations in 提交单位."""
    return is_staff(user) or can_post(user, kind)


@rule
def can_see_contact(user: Any, item: Any, *, matched: bool = False) -> bool:
    """Contact data: coordinators, the owning organisation and matched parties."""
    return is_staff(user) or same_org(user, item) or (matched and signed_in(user))


@rule
def can_see_candidates(user: Any, item: Any) -> bool:
    """Ranked candidates of a need/offer: coordinators and the owning organisation (in good
    standing: a pending or suspended organisation is ranked for nothing)."""
    return is_coordinator(user) or (same_org(user, item) and may_act(user))


# -- matches --------------------------------------------------------------------------

@rule
def can_view_match(user: Any, match: Any) -> bool:
    """Coordinators and admins, and the two organisations of the match."""
    if is_staff(user):
        return True
    org_id = getattr(user, "organisation_id", None)
    return org_id is not None and org_id in (match.need.organisation_id,
                                             match.offer.organisation_id)


def sees_all_matches(user: Any) -> bool:
    """Staff see every match; others only their organisation's (see services' queries)."""
    return is_staff(user)


def match_side(user: Any, match: Any) -> str | None:
    """``need`` or ``offer``: the side of ``match`` that ``user`` acts for, else None."""
    org_id = getattr(user, "organisation_id", None)
    if has_role(user, RECIPIENT) and org_id == match.need.organisation_id:
        return "need"
    if has_role(user, SUPPORTER) and org_id == match.offer.organisation_id:
        return "offer"
    return None


@rule
def can_answer_match(user: Any, match: Any) -> bool:
    """Accept or decline: users of the need's organisation (recipients) or of the offer's
    organisation (supporters), in good standing."""
    return match_side(user, match) is not None and may_act(user)


@rule
def can_complete_match(user: Any, match: Any) -> bool:
    """Report delivery: the need's side."""
    return match_side(user, match) == "need" and may_act(user)


@rule
def can_decide_matches(user: Any, obj: Any = None) -> bool:
    """Confirm or reject pairs, 建议方案, cancel matches: coordinators."""
    return is_coordinator(user) and may_act(user)


@rule
def can_cancel_match(user: Any, match: Any = None) -> bool:
    return can_decide_matches(user)


@rule
def can_change_match_amount(user: Any, match: Any = None) -> bool:
    """Raise or lower a live match's amount (money checked like a confirmation):
    coordinators."""
    return can_decide_matches(user)


@rule
def can_confirm_delivery(user: Any, match: Any) -> bool:
    """Confirm or dispute the delivered figures the recipient reported: the offer's side
    (supporters of the offer's organisation), in good standing."""
    return match_side(user, match) == "offer" and may_act(user)


@rule
def can_correct_completion(user: Any, match: Any = None) -> bool:
    """Correct a completion's date and delivered money (settles a dispute): coordinators."""
    return can_decide_matches(user)


# -- organisations, reference data, administration -------------------------------------

@rule
def can_manage_reference_data(user: Any, obj: Any = None) -> bool:
    return is_admin(user)


@rule
def can_view_reference_staff(user: Any, obj: Any = None) -> bool:
    """Staff-only reference pages (regions with their corrections)."""
    return is_staff(user)


@rule
def can_tune_scoring(user: Any, obj: Any = None) -> bool:
    """The scoring weights page; admins adopt learned weights."""
    return is_staff(user)


@rule
def can_manage_users(user: Any, obj: Any = None) -> bool:
    return is_admin(user)


@rule
def can_manage_jobs(user: Any, obj: Any = None) -> bool:
    """Background jobs (e-mail, screening, ranking): admins see them and retry failures."""
    return is_admin(user)


@rule
def can_vet_organisations(user: Any, obj: Any = None) -> bool:
    return is_staff(user)


@rule
def can_view_organisation(user: Any, org: Any) -> bool:
    """An organisation's page: coordinators and admins, and the organisation's own users."""
    return is_staff(user) or (signed_in(user) and user.organisation_id is not None
                              and user.organisation_id == org.id)


@rule
def can_register_organisations(user: Any, obj: Any = None) -> bool:
    """Admin entry of a new organisation (self-service sign-up needs no account)."""
    return is_admin(user)


@rule
def can_import_blacklist(user: Any, obj: Any = None) -> bool:
    """Importing 非法社会组织 lists is reference data: admins."""
    return is_admin(user)


@rule
def can_review_screening(user: Any, obj: Any = None) -> bool:
    """The screening review queue: coordinators (and admins) clear hits or suspend."""
    return is_staff(user)


@rule
def can_view_audit_log(user: Any, obj: Any = None) -> bool:
    return is_staff(user)


@rule
def can_view_dashboard(user: Any, obj: Any = None) -> bool:
    """Coverage dashboards, gap analysis and report exports: coordinators and admins."""
    return is_staff(user)


@rule
def can_view_honours(user: Any, obj: Any = None) -> bool:
    """The 表彰 list and certificates are for publicity: every signed-in user."""
    return signed_in(user)


@rule
def can_browse(user: Any, obj: Any = None) -> bool:
    """Lists, matches, reference pages, one's profile: every signed-in user."""
    return signed_in(user)


def needs_reauthentication(user: Any) -> bool:
    """Admins confirm their password for status changes and suspensions."""
    return is_admin(user)


# -- enforcement ----------------------------------------------------------------------

def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether ``user`` may do ``action`` (a :data:`RULES` name) to ``obj``."""
    predicate = RULES[action]
    return predicate(user) if obj is None else predicate(user, obj)


def authorise(action: str, obj: Any = None, user: Any = None) -> None:
    """Abort with 403 unless the current user (or ``user``) may do ``action``."""
    if not can(current_user if user is None else user, action, obj):
        abort(403)


def requires(action: str):
    """View decorator: a signed-in user allowed to do ``action`` (403 otherwise)."""
    RULES[action]  # fail at import for an unknown rule name

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(*args, **kwargs):
            authorise(action)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def template_helpers() -> dict[str, Callable]:
    """What templates ask: ``can('edit_item', need)``, ``is_staff()`` and friends, always
    about the signed-in user."""
    return {
        "can": lambda action, obj=None: can(current_user, action, obj),
        "is_staff": lambda: is_staff(current_user),
        "is_admin": lambda: is_admin(current_user),
        "is_coordinator": lambda: is_coordinator(current_user),
        "posted_kind": lambda: posted_kind(current_user),
    }
