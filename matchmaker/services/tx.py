"""One transaction helper for writes that compete for money (match confirmations).

Correctness comes from the database: conditional UPDATEs, CHECK constraints and the unique
live-pair index. This helper adds what a user needs on top: the commit, a retry when SQLite
reports its single writer lock busy, and a clear 409 instead of an IntegrityError.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db
from .errors import Conflict

T = TypeVar("T")


def _is_lock_error(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "deadlock detected" in text or "busy" in text


def run(fn: Callable[[], T], *, attempts: int = 20, conflict_message: str | None = None) -> T:
    """Run ``fn`` and commit; retry on a busy/deadlocked database; IntegrityError → 409."""
    for attempt in range(attempts):
        try:
            result = fn()
            db.session.commit()
            return result
        except IntegrityError:
            db.session.rollback()
            message = conflict_message or "数据已被他人修改或与现有记录冲突，请刷新后重试。"
            raise Conflict(message) from None
        except OperationalError as exc:
            db.session.rollback()
            if not _is_lock_error(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
        except BaseException:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")
