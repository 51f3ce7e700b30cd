"""Recording audit events (append-only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

from ...extensions import db
from ...models import AuditEvent, User


def record(
    action: str,
    *,
    user: User | None = None,
    actor: str | None = None,
    entity: Any = None,
    changes: dict | None = None,
    result: str = "success",
    ip: str | None = None,
    organisation_id: int | None = None,
) -> AuditEvent:
    """Add one audit event to the session and return it.

    ``entity`` is any model instance with an ``id`` (its class name is the entity type).
    ``changes`` maps a field to ``[before, after]`` for state changes.
    """
    if actor is None:
        actor = user.email if user is not None else "system"
    if organisation_id is None and user is not None:
        organisation_id = user.organisation_id
    event = AuditEvent(
        action=action,
        user_id=user.id if user is not None else None,
        actor=actor,
        ip=ip,
        entity_type=type(entity).__name__ if entity is not None else None,
        entity_id=_entity_id(entity),
        organisation_id=organisation_id,
        result=result,
        changes=_jsonable(changes or {}),
    )
    db.session.add(event)
    return event


def _entity_id(entity: Any) -> str | None:
    if entity is None:
        return None
    identity = inspect(entity).identity
    return "/".join(str(part) for part in identity) if identity else None


def diff(obj: Any, new_values: dict[str, Any]) -> dict[str, list]:
    """Return ``{field: [before, after]}`` for the values that differ from ``obj``."""
    return {
        field: [getattr(obj, field), value]
        for field, value in new_values.items()
        if getattr(obj, field) != value
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
