"""Organisations, reference data, screening, audit, dashboards and administration."""

from __future__ import annotations

from typing import Any

from .identity import is_admin, is_staff, signed_in
from .registry import rule


@rule
def can_manage_reference_data(user: Any, obj: Any = None) -> bool:
    return is_admin(user)


@rule
def can_manage_jobs(user: Any, obj: Any = None) -> bool:
    """Background jobs (e-mail, screening, ranking): admins see them and retry failures."""
    return is_admin(user)


@rule
def can_view_source_notes(user: Any, obj: Any = None) -> bool:
    """The reference data's source notes (English, internal working notes): admins only."""
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
def can_view_lexicon(user: Any, obj: Any = None) -> bool:
    """The concept lexicon (项目类型词库) the scorer matches texts with: staff read it."""
    return is_staff(user)


@rule
def can_edit_lexicon(user: Any, obj: Any = None) -> bool:
    """Adding, correcting and disabling concepts and synonyms: admins (reference data)."""
    return is_admin(user)


@rule
def can_manage_users(user: Any, obj: Any = None) -> bool:
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
def can_find_honours_in_menu(user: Any, obj: Any = None) -> bool:
    """表彰 as a top-level menu entry: for organisations' users; staff reach it from the
    dashboard's tabs."""
    return can_view_honours(user) and not is_staff(user)


@rule
def can_browse(user: Any, obj: Any = None) -> bool:
    """Lists, matches, reference pages, one's profile: every signed-in user."""
    return signed_in(user)


def needs_reauthentication(user: Any) -> bool:
    """Admins confirm their password for status changes and suspensions."""
    return is_admin(user)
