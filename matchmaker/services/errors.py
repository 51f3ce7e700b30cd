"""The error services raise; views and the API turn it into a message and a status."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule said no. ``message`` is Chinese and safe to show to the user."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    @classmethod
    def from_fields(cls, fields: dict[str, list[str]]) -> DomainError:
        """One error for every field's messages, joined as one sentence list."""
        return cls(join_messages(m for ms in fields.values() for m in ms), fields=fields)


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Throttled(DomainError):
    status = 429
    code = "rate_limited"


def join_messages(messages) -> str:
    """Messages as one sentence list: '甲；乙。' — never '甲。；乙。'."""
    parts = [m.strip().rstrip("。；;") for m in messages if m and m.strip()]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    text = "；".join(parts)
    return text if text.endswith(("？", "！", "?", "!")) else text + "。"
