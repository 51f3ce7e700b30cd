"""Structured logs: a request id on every response and log line, one JSON access line per
request, no query strings."""

from __future__ import annotations

import io
import json
import logging

import pytest

from matchmaker import logs


@pytest.fixture()
def lines(app):
    """JSON lines the matchmaker loggers write during the test (INFO and up)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("matchmaker")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_every_response_has_a_request_id_and_one_access_line(client, lines):
    first = client.get("/login?next=/secret-query")
    second = client.get("/login")
    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert all(len(i) == 16 for i in ids) and ids[0] != ids[1]
    access = [e for e in lines() if e["logger"] == "matchmaker.access"]
    assert [(e["request_id"], e["method"], e["path"], e["status"]) for e in access] == [
        (ids[0], "GET", "/login", 200), (ids[1], "GET", "/login", 200)]
    assert all(isinstance(e["ms"], float) and e["ts"].endswith("+00:00") for e in access)
    assert "secret-query" not in json.dumps(lines())


def test_the_proxy_request_id_is_kept_when_it_looks_like_one(client, lines):
    given = "0123456789abcdef0123456789abcdef"  # nginx $request_id
    assert client.get("/login", headers={"X-Request-Id": given}).headers[
        "X-Request-Id"] == given
    forged = client.get("/login", headers={"X-Request-Id": 'x" {"level": "ERROR"}'})
    assert forged.headers["X-Request-Id"] != 'x" {"level": "ERROR"}'
    assert len(forged.headers["X-Request-Id"]) == 16


def test_log_lines_written_during_a_request_carry_its_id(app, lines):
    given = "fedcba9876543210"
    with app.test_request_context("/login", headers={"X-Request-Id": given}):
        app.preprocess_request()
        logging.getLogger("matchmaker.test").warning("something odd")
    warning = next(e for e in lines() if e["logger"] == "matchmaker.test")
    assert warning == {**warning, "level": "WARNING", "message": "something odd",
                       "request_id": given}
    logging.getLogger("matchmaker.test").warning("outside")
    assert lines()[-1]["request_id"] == "-"
