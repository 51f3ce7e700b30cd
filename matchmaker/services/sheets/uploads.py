"""Uploaded sheets kept between preview and confirm: instance/uploads/<token>.*

The file is parsed once, on upload; what is kept is the parsed sheet (header texts and data
rows, ``<token>.rows.json``) — never the file — so confirming and the error report do not read
the file again. ``<token>.json`` holds the owner, kind, options and the preview of the check.
Both are written mode 0600 in a 0700 folder. The token is random and checked against a strict
pattern; the client never names a path.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from flask import current_app

from .workbooks import Sheet

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_AGE = 24 * 3600
SUFFIXES = (".json", ".rows.json")


def _folder() -> Path:
    folder = Path(current_app.config.get("UPLOAD_FOLDER")
                  or Path(current_app.instance_path) / "uploads")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _cleanup(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE
    for path in folder.iterdir():
        if path.suffix in (".bin", ".json") and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _write(path: Path, payload: Any) -> None:
    """Write JSON readable by the owner only (0600), atomically."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")  # mkstemp creates 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, default=str)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def store(sheet: Sheet, meta: dict[str, Any]) -> str:
    """Keep the parsed ``sheet`` with ``meta``; return the new token."""
    folder = _folder()
    _cleanup(folder)
    token = secrets.token_urlsafe(24)
    _write(folder / f"{token}.rows.json",
           {"headers": sheet.headers, "header_row": sheet.header_row,
            "rows": [[n, [_encode(v) for v in values]] for n, values in sheet.rows]})
    _write(folder / f"{token}.json", meta)
    return token


def load(token: str, *, user_id: int, kind: str) -> tuple[Sheet, dict[str, Any]] | None:
    """The upload named by ``token`` if it exists and belongs to this user and kind."""
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder()
    rows_path, meta_path = folder / f"{token}.rows.json", folder / f"{token}.json"
    if not rows_path.exists() or not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("user_id") != user_id or meta.get("kind") != kind:
        return None
    stored = json.loads(rows_path.read_text(encoding="utf-8"))
    sheet = Sheet(headers=stored["headers"], header_row=stored["header_row"],
                  rows=[(n, [_decode(v) for v in values]) for n, values in stored["rows"]])
    return sheet, meta


def update(token: str, meta: dict[str, Any]) -> None:
    """Replace the stored meta (e.g. a fresh preview after a failed confirm)."""
    if _TOKEN.match(token):
        _write(_folder() / f"{token}.json", meta)


DONE = ".done.json"


def finish(token: str, meta: dict[str, Any]) -> None:
    """The upload was saved: drop its rows and keep a small marker, so the preview address
    (the browser's Back button) says the import is done instead of 404. Markers age out
    with the uploads (``MAX_AGE``)."""
    discard(token)
    if _TOKEN.match(token or ""):
        keep = ("user_id", "kind", "filename", "draft", "summary")
        _write(_folder() / f"{token}{DONE}", {k: meta.get(k) for k in keep})


def finished(token: str, *, user_id: int, kind: str) -> dict[str, Any] | None:
    """The marker of a saved upload when it belongs to this user and kind."""
    if not _TOKEN.match(token or ""):
        return None
    path = _folder() / f"{token}{DONE}"
    if not path.exists():
        return None
    done = json.loads(path.read_text(encoding="utf-8"))
    if done.get("user_id") != user_id or done.get("kind") != kind:
        return None
    return done


def discard(token: str) -> None:
    """Remove the upload (after it was saved)."""
    if _TOKEN.match(token or ""):
        for suffix in SUFFIXES:
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)
