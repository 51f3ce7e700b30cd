"""Who may do what. Every rule about roles and organisation standing lives here, and only
here: routes, API handlers, services' guards, the navigation and the buttons in templates
all ask these predicates.

Predicates are pure functions ``can_x(user, obj=None) -> bool``. They are also registered
by name in :data:`RULES` (``registry.py``), so templates ask ``can('edit_item', need)`` and
views guard with ``@requires('view_dashboard')`` or ``authorise('answer_match', match)``.

One module per subject: ``identity`` (roles, organisation standing), ``items`` (needs and
offers), ``matches``, ``admin`` (organisations, reference data, screening, audit,
dashboards, users), ``registry`` (named rules and their enforcement).

Organisation standing: users of a ``pending`` or ``suspended`` organisation read their own
data and change nothing (every business write is refused); staff without an organisation
act freely.
"""

from __future__ import annotations

from .admin import (
    can_browse,
    can_import_blacklist,
    can_manage_jobs,
    can_manage_reference_data,
    can_manage_users,
    can_register_organisations,
    can_review_screening,
    can_tune_scoring,
    can_vet_organisations,
    can_view_audit_log,
    can_view_dashboard,
    can_view_honours,
    can_view_organisation,
    can_view_reference_staff,
    can_view_source_notes,
    needs_reauthentication,
)
from .identity import (
    ACTING_ORG_STATUSES,
    ORG_ROLES,
    OWNER_ROLE,
    POSTS,
    STAFF_ROLES,
    coordinators_clause,
    has_role,
    is_admin,
    is_coordinator,
    is_org_role,
    is_org_user,
    is_staff,
    may_act,
    org_may_act,
    org_users_clause,
    posted_kind,
    same_org,
    signed_in,
)
from .items import (
    can_change_status,
    can_delete_item,
    can_edit_item,
    can_import_list,
    can_post,
    can_post_need,
    can_post_offer,
    can_see_candidates,
    can_see_contact,
    can_view_item,
)
from .matches import (
    can_answer_match,
    can_cancel_match,
    can_change_match_amount,
    can_complete_match,
    can_confirm_delivery,
    can_correct_completion,
    can_decide_matches,
    can_request_match,
    can_view_match,
    match_side,
    sees_all_matches,
)
from .registry import (
    RULES,
    authorise,
    can,
    requires,
    rule,
    template_helpers,
)

__all__ = [
    "RULES",
    "ACTING_ORG_STATUSES",
    "ORG_ROLES",
    "OWNER_ROLE",
    "POSTS",
    "STAFF_ROLES",
    "coordinators_clause",
    "has_role",
    "is_admin",
    "is_coordinator",
    "is_org_role",
    "is_org_user",
    "is_staff",
    "may_act",
    "org_may_act",
    "org_users_clause",
    "posted_kind",
    "same_org",
    "signed_in",
    "can_change_status",
    "can_delete_item",
    "can_edit_item",
    "can_import_list",
    "can_post",
    "can_post_need",
    "can_post_offer",
    "can_see_candidates",
    "can_see_contact",
    "can_view_item",
    "can_answer_match",
    "can_cancel_match",
    "can_change_match_amount",
    "can_complete_match",
    "can_confirm_delivery",
    "can_correct_completion",
    "can_decide_matches",
    "can_request_match",
    "can_view_match",
    "match_side",
    "sees_all_matches",
    "can_browse",
    "can_import_blacklist",
    "can_manage_jobs",
    "can_manage_reference_data",
    "can_manage_users",
    "can_register_organisations",
    "can_review_screening",
    "can_tune_scoring",
    "can_vet_organisations",
    "can_view_audit_log",
    "can_view_dashboard",
    "can_view_honours",
    "can_view_organisation",
    "can_view_reference_staff",
    "can_view_source_notes",
    "needs_reauthentication",
    "authorise",
    "can",
    "requires",
    "rule",
    "template_helpers",
]
