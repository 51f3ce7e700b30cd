"""Structured logs: one JSON object per line on stderr, each with the request id.

Every request gets an id: the ``X-Request-Id`` nginx sends (``$request_id``, see
deploy/nginx.conf) when it looks like one, else a new random one. It is sent back in the
response header ``X-Request-Id``, added to every log record written while the request
runs, and to the one access line per request (method, path without the query string,
status, milliseconds, user id). Logs never carry query strings, form data or cookies.

``LOG_FORMAT=text`` gives plain lines for development; ``LOG_LEVEL`` the level.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

_INCOMING = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
ACCESS = logging.getLogger("matchmaker.access")
_FIELDS = ("request_id", "method", "path", "status", "ms", "user_id", "ip")


KEY = "matchmaker.request_id"  # in the WSGI environ: it lives exactly as long as the request


def request_id() -> str | None:
    """The current request's id (None outside requests)."""
    return request.environ.get(KEY) if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts": …, "level": …, "logger": …, "message": …, "request_id": …, …}``"""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC)
        entry = {"ts": when.isoformat(timespec="milliseconds"), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        for field in _FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (test runners swap it)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _handler(fmt: str) -> logging.Handler:
    handler = _Stderr()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    handler._matchmaker = True  # type: ignore[attr-defined]
    return handler


def configure(app: Flask) -> None:
    """The ``matchmaker`` loggers (app, access, jobs) write through one handler; once per
    process whatever the number of apps."""
    logger = logging.getLogger("matchmaker")
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    if not any(getattr(h, "_matchmaker", False) for h in logger.handlers):
        logger.addHandler(_handler(app.config.get("LOG_FORMAT", "json")))
    logger.propagate = False


def register(app: Flask) -> None:
    """Request ids and the access line."""
    configure(app)

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        request.environ[KEY] = incoming if _INCOMING.match(incoming) else secrets.token_hex(8)
        request.environ[KEY + ".started"] = time.perf_counter()

    @app.after_request
    def log_request(response):
        rid = request_id()
        if rid is None:
            return response
        response.headers["X-Request-Id"] = rid
        started = request.environ.get(KEY + ".started")
        user = g.get("api_user") or g.get("_login_user")
        ACCESS.info("%s %s %s", request.method, request.path, response.status_code, extra={
            "method": request.method, "path": request.path, "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "user_id": getattr(user, "id", None), "ip": request.remote_addr})
        return response
