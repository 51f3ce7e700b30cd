"""Uploaded sheets kept between preview and confirm: instance/uploads/<token>.*

The token is random and checked against a strict pattern; the client never names a path.
Each upload has a JSON file with its owner, kind, options and the preview of its check.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_AGE = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.config.get("UPLOAD_FOLDER")
                  or Path(current_app.instance_path) / "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _cleanup(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE
    for path in folder.iterdir():
        if path.suffix in (".bin", ".json") and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def store(data: bytes, meta: dict[str, Any]) -> str:
    """Keep ``data`` with ``meta``; return the new token."""
    folder = _folder()
    _cleanup(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False, default=str))
    return token


def load(token: str, *, user_id: int, kind: str) -> tuple[bytes, dict[str, Any]] | None:
    """The upload named by ``token`` if it exists and belongs to this user and kind."""
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder()
    data_path, meta_path = folder / f"{token}.bin", folder / f"{token}.json"
    if not data_path.exists() or not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    if meta.get("user_id") != user_id or meta.get("kind") != kind:
        return None
    return data_path.read_bytes(), meta


def update(token: str, meta: dict[str, Any]) -> None:
    """Replace the stored meta (e.g. a fresh preview after a failed confirm)."""
    if _TOKEN.match(token):
        path = _folder() / f"{token}.json"
        path.write_text(json.dumps(meta, ensure_ascii=False, default=str))


def discard(token: str) -> None:
    if _TOKEN.match(token or ""):
        for suffix in (".bin", ".json"):
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)
