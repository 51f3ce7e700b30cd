"""Uploaded sheets kept between preview and confirm: rows of the table ``pending_uploads``.

The file is parsed once, on upload; what is kept is the parsed sheet (header texts and data
rows, zlib-compressed JSON) — never the file — so confirming and the error report do not
read the file again, and any web host or worker can carry on with it (nothing on one
host's disk). The token is random and checked against a strict pattern; whose upload it is
is decided by ``permissions.can_follow_import``. Uploads expire after ``MAX_AGE``; expired
ones are deleted whenever a new one is stored. After the import the rows are dropped and a
small "done" marker stays until expiry, so the preview address (the browser's Back button)
says the import is done instead of 404.
"""

from __future__ import annotations

import json
import re
import secrets
import zlib
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import undefer

from ...extensions import db
from ...models import PendingUpload
from ...models.base import utcnow
from .workbooks import Sheet

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_AGE = 24 * 3600


def _encode(value: Any) -> Any:
    """Cell values as JSON: dates and times are tagged so they come back as they were."""
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, clock):
        return {"t": value.isoformat()}
    if isinstance(value, timedelta):
        return {"td": value.total_seconds()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.fromisoformat(value["dt"])
        if "d" in value:
            return date.fromisoformat(value["d"])
        if "t" in value:
            return clock.fromisoformat(value["t"])
        if "td" in value:
            return timedelta(seconds=value["td"])
    return value


def pack(payload: Any) -> bytes:
    """JSON, zlib-compressed (parsed sheets are repetitive: typically 5–10× smaller)."""
    return zlib.compress(json.dumps(payload, ensure_ascii=False, default=str).encode(), 6)


def unpack(data: bytes | None) -> Any:
    return None if data is None else json.loads(zlib.decompress(data))


def cleanup() -> int:
    """Delete expired uploads (and done markers); returns how many."""
    return db.session.execute(delete(PendingUpload).where(PendingUpload.expires_at < utcnow())
                              .execution_options(synchronize_session=False)).rowcount


def store(sheet: Sheet, meta: dict[str, Any], *, state: str = "ready") -> str:
    """Keep the parsed ``sheet`` with ``meta`` (user_id, kind, draft, filename, preview,
    optionally organisation_id); flush; return the new token."""
    cleanup()
    token = secrets.token_urlsafe(24)
    upload = PendingUpload(
        token=token, user_id=meta["user_id"], organisation_id=meta.get("organisation_id"),
        kind=meta["kind"], filename=str(meta.get("filename") or "")[:200],
        draft=bool(meta.get("draft")), state=state, info={}, phase="", error="",
        rows_total=len(sheet.rows), rows_done=0, expires_at=utcnow() + timedelta(seconds=MAX_AGE),
        sheet=pack({"headers": sheet.headers, "header_row": sheet.header_row,
                    "rows": [[n, [_encode(v) for v in values]] for n, values in sheet.rows]}),
        preview=pack(meta["preview"]) if meta.get("preview") is not None else None)
    db.session.add(upload)
    db.session.flush()
    return token


def find(token: str, kind: str, *, with_rows: bool = False) -> PendingUpload | None:
    """The live upload named by ``token`` for ``kind`` (whoever owns it), or None."""
    if not _TOKEN.match(token or ""):
        return None
    query = select(PendingUpload).where(PendingUpload.token == token,
                                        PendingUpload.kind == kind,
                                        PendingUpload.expires_at >= utcnow())
    if with_rows:
        query = query.options(undefer(PendingUpload.sheet), undefer(PendingUpload.preview))
    return db.session.scalar(query)


def sheet_of(upload: PendingUpload) -> Sheet:
    stored = unpack(upload.sheet)
    return Sheet(headers=stored["headers"], header_row=stored["header_row"],
                 rows=[(n, [_decode(v) for v in values]) for n, values in stored["rows"]])


def meta_of(upload: PendingUpload) -> dict[str, Any]:
    """What the pages read: owner, kind, options, the preview of the last check."""
    return {"user_id": upload.user_id, "kind": upload.kind, "draft": upload.draft,
            "filename": upload.filename, "preview": unpack(upload.preview),
            "summary": upload.info.get("summary"), "error": upload.info.get("error")}


def load(token: str, *, user_id: int, kind: str) -> tuple[Sheet, dict[str, Any]] | None:
    """The waiting upload named by ``token`` if it belongs to this user and kind."""
    upload = find(token, kind, with_rows=True)
    if upload is None or upload.user_id != user_id or upload.sheet is None:
        return None
    return sheet_of(upload), meta_of(upload)


def set_preview(upload: PendingUpload, preview: dict[str, Any], *, error: str = "") -> None:
    """A fresh preview (after a check, or a refused confirm with its Chinese ``error``)."""
    upload.preview = pack(preview)
    upload.info = {**(upload.info or {}), "error": error}
    upload.state = "ready"
    db.session.flush()


def update(token: str, meta: dict[str, Any]) -> None:
    """Replace the stored preview (e.g. a fresh one after a failed confirm)."""
    upload = find(token, meta["kind"])
    if upload is not None:
        set_preview(upload, meta["preview"], error=meta.get("error") or "")


def finish_upload(upload: PendingUpload, summary: str) -> None:
    """The upload was saved: drop its rows, keep a small marker until it expires."""
    upload.sheet = None
    upload.preview = None
    upload.state = "done"
    upload.rows_done = upload.rows_total
    upload.info = {"summary": summary}
    db.session.flush()


def finish(token: str, meta: dict[str, Any]) -> None:
    upload = find(token, meta["kind"])
    if upload is not None:
        finish_upload(upload, meta.get("summary") or "")


def finished(token: str, *, user_id: int, kind: str) -> dict[str, Any] | None:
    """The marker of a saved upload when it belongs to this user and kind."""
    upload = find(token, kind)
    if upload is None or upload.user_id != user_id or upload.state != "done":
        return None
    return {"user_id": upload.user_id, "kind": kind, "filename": upload.filename,
            "draft": upload.draft, "summary": upload.info.get("summary")}


def discard(token: str, kind: str) -> None:
    """Remove the upload."""
    if _TOKEN.match(token or ""):
        db.session.execute(delete(PendingUpload).where(PendingUpload.token == token,
                                                       PendingUpload.kind == kind))
