"""A real SMTP server (aiosmtpd on localhost) that collects what the app sends."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink


class Collector(Sink):
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp(app, monkeypatch):
    """A local SMTP server the app sends to; the app's mail settings are restored after."""
    port = free_port()
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for key, value in (("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", port),
                       ("MAIL_FROM", "noreply@example.cn")):
        monkeypatch.setitem(app.config, key, value)
    yield handler
    controller.stop()
