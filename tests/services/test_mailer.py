"""Notification e-mail through a real SMTP server (aiosmtpd on localhost)."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.services.errors import Conflict
from matchmaker.services.matching import lifecycle, plans
from tests import factories


class Collector(Sink):
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture()
def smtp(app):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="noreply@example.cn")
    yield handler
    app.config["SMTP_HOST"] = None
    controller.stop()


def test_confirmation_mails_both_organisations_after_commit(smtp, ctx, users):
    need = factories.make_need(users["recipient"].organisation)
    offer = factories.make_offer(users["supporter"].organisation)
    db.session.commit()
    decision = lifecycle.Decision(need.id, offer.id, "confirmed", 1000)
    unit_of_work.run(lambda: lifecycle.decide(decision,
                                  by=users["coordinator"]))
    recipients = sorted(r for rcpts, _ in smtp.messages for r in rcpts)
    assert recipients == sorted([users["recipient"].email, users["supporter"].email])
    assert "Subject:" in smtp.messages[0][1]


def test_rolled_back_change_sends_nothing(smtp, ctx, users):
    """The first confirmation of a plan queues mail; the second fails; nothing is sent."""
    org = users["recipient"].organisation
    first, second = factories.make_need(org), factories.make_need(org, budget_yuan=1000)
    offer = factories.make_offer(users["supporter"].organisation)
    db.session.commit()
    rows = [(first.id, offer.id, 1000), (second.id, offer.id, 5000)]
    with pytest.raises(Conflict):
        unit_of_work.run(lambda: plans.confirm_all(rows, by=users["coordinator"]))
    assert smtp.messages == []
