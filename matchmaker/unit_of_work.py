"""The one unit of work: every write of a page, an API call or a CLI command commits here.

Services change the session and flush; they never commit. A caller hands the whole
operation to :func:`run`, which commits once and turns what can go wrong at commit time
into the errors the edges already know how to show:

- a :class:`~matchmaker.services.errors.DomainError` rolls back (pages flash it, the API
  answers with its status) — unless ``keep_on_refusal`` asks to keep what the operation
  recorded about the refusal (a failed login's audit event and counters);
- an :class:`~sqlalchemy.exc.IntegrityError` (a constraint or a unique index said no
  because another request got there first) rolls back and becomes a 409 ``Conflict``;
- SQLite's busy writer lock or a PostgreSQL deadlock rolls back and runs the operation
  again, so a user never sees them.

Correctness comes from the database (conditional UPDATEs, CHECK constraints, unique
indexes, row locks); this module only decides what the user sees.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError

from .extensions import db
from .services.errors import Conflict, DomainError

T = TypeVar("T")

CONFLICT_MESSAGE = "数据已被他人修改或与现有记录冲突，请刷新后重试。"
#: Called (no arguments) after every successful commit of :func:`run`, in order.
_after_commit: list[Callable[[], None]] = []


def on_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` after each commit of :func:`run` (idempotent): work that must see
    committed data and must not run when the operation rolled back (the match index, the
    background jobs this process runs itself)."""
    if callback not in _after_commit:
        _after_commit.append(callback)


def _is_lock_error(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "deadlock detected" in text or "busy" in text


def run(operation: Callable[[], T], *, attempts: int = 20,
        conflict_message: str | None = None, keep_on_refusal: bool = False) -> T:
    """Run ``operation`` and commit what it changed; return its result.

    Raises the operation's ``DomainError`` after rolling back (after committing when
    ``keep_on_refusal``), ``Conflict`` for an ``IntegrityError``, and retries up to
    ``attempts`` times when the database is busy or deadlocked."""
    for attempt in range(attempts):
        try:
            result = operation()
            db.session.commit()
            break
        except DomainError:
            if keep_on_refusal:
                db.session.commit()
                _committed()
            else:
                db.session.rollback()
            raise
        except IntegrityError:
            db.session.rollback()
            raise Conflict(conflict_message or CONFLICT_MESSAGE) from None
        except OperationalError as exc:
            db.session.rollback()
            if not _is_lock_error(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
        except BaseException:
            db.session.rollback()
            raise
    else:
        raise AssertionError("unreachable")
    _committed()  # outside the loop: an after-commit failure never re-runs the operation
    return result


def _committed() -> None:
    for callback in _after_commit:
        callback()


def discard() -> None:
    """Forget whatever the session holds (before recording something on its own, e.g.
    a permission denial after a half-done operation)."""
    db.session.rollback()
