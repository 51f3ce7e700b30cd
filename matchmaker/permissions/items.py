"""Needs and offers: viewing, editing, status, posting, importing, contacts, candidates."""

from __future__ import annotations

from typing import Any

from .identity import (
    OWNER_ROLE,
    RECIPIENT,
    SUPPORTER,
    has_role,
    is_coordinator,
    is_staff,
    may_act,
    same_org,
    signed_in,
)
from .registry import rule


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
def can_follow_import(user: Any, upload: Any) -> bool:
    """An uploaded sheet (its preview, progress, confirmation, error report): only the user
    who uploaded it, while they may still import that kind of list."""
    return (signed_in(user) and upload.user_id == user.id
            and can_import_list(user, upload.kind))


@rule
def can_see_contact(user: Any, item: Any, *, matched: bool = False) -> bool:
    """Contact data: coordinators, the owning organisation and matched parties."""
    return is_staff(user) or same_org(user, item) or (matched and signed_in(user))


@rule
def can_see_candidates(user: Any, item: Any) -> bool:
    """Ranked candidates of a need/offer: coordinators and the owning organisation (in good
    standing: a pending or suspended organisation is ranked for nothing)."""
    return is_coordinator(user) or (same_org(user, item) and may_act(user))
