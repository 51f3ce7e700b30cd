"""Matches: who sees them, answers them, reports and confirms delivery, decides."""

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
)
from .registry import rule


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


@rule
def can_request_match(user: Any, item: Any) -> bool:
    """申请对接 on a candidate of ``item`` (a need or an offer): users of the organisation
    that owns ``item``, with the role that posts it, in good standing. A coordinator decides
    (confirms through 确认对接 or declines with a reason: ``decide_matches``)."""
    return (has_role(user, OWNER_ROLE[type(item).__name__]) and same_org(user, item)
            and may_act(user))
