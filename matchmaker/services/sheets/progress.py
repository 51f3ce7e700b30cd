"""Progress of a large import (rows done / total), visible to the polling page while the
job's own transaction is still open.

On PostgreSQL the counters are written through a connection of their own that commits at
once (the job's transaction, which saves every row all-or-nothing, never touches the
upload row until its very end), so any web host sees them. SQLite allows one writer at a
time: there the counters stay in this process (the in-process backend runs jobs in the
web process, the only one an SQLite deployment has).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import update

from ...extensions import db
from ...models import PendingUpload
from ...models.base import utcnow

EVERY_ROWS = 50
EVERY_SECONDS = 0.5
_LOCAL: dict[int, tuple[str, int, int]] = {}
_LOCK = threading.Lock()


def _shared() -> bool:
    return db.engine.dialect.name != "sqlite"


def write(upload_id: int, phase: str, done: int, total: int) -> None:
    """Record progress now, outside the caller's transaction."""
    if not _shared():
        with _LOCK:
            _LOCAL[upload_id] = (phase, done, total)
        return
    with db.engine.connect() as conn:
        conn.execute(update(PendingUpload).where(PendingUpload.id == upload_id)
                     .values(phase=phase, rows_done=done, rows_total=total, updated_at=utcnow()))
        conn.commit()


def read(upload: PendingUpload) -> tuple[str, int, int]:
    """(phase, rows done, rows total) of ``upload``."""
    with _LOCK:
        local = _LOCAL.get(upload.id)
    return local if local is not None else (upload.phase, upload.rows_done, upload.rows_total)


def forget(upload_id: int) -> None:
    with _LOCK:
        _LOCAL.pop(upload_id, None)


def reporter(upload_id: int, phase: str, total: int) -> Callable[[int], None]:
    """A callback ``report(done)`` that writes at most every EVERY_ROWS rows or
    EVERY_SECONDS, and always the last row."""
    last = {"rows": -EVERY_ROWS, "at": 0.0}

    def report(done: int) -> None:
        now = time.monotonic()
        if done >= total or done - last["rows"] >= EVERY_ROWS or now - last["at"] >= EVERY_SECONDS:
            last["rows"], last["at"] = done, now
            write(upload_id, phase, done, total)

    write(upload_id, phase, 0, total)
    return report
