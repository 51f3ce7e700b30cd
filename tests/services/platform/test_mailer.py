"""Notification e-mail through a real SMTP server (aiosmtpd on localhost)."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from matchmaker import unit_of_work
from matchmaker.app import create_app
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
def smtp(app, monkeypatch):
    """A local SMTP server the app sends to; the app's mail settings are restored after."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for key, value in (("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", port),
                       ("MAIL_FROM", "noreply@example.cn")):
        monkeypatch.setitem(app.config, key, value)
    yield handler
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


def _confirm_one(users):
    need = factories.make_need(users["recipient"].organisation)
    offer = factories.make_offer(users["supporter"].organisation)
    db.session.commit()
    decision = lifecycle.Decision(need.id, offer.id, "confirmed", 1000)
    unit_of_work.run(lambda: lifecycle.decide(decision, by=users["coordinator"]))


def test_a_second_app_in_the_process_does_not_send_mail_twice(smtp, ctx, users, tmp_path):
    create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.sqlite'}"})
    create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.sqlite'}"})
    _confirm_one(users)
    recipients = sorted(r for rcpts, _ in smtp.messages for r in rcpts)
    assert recipients == sorted([users["recipient"].email, users["supporter"].email])


def test_mail_is_not_sent_before_commit(smtp, ctx, users):
    from matchmaker.services.platform import mailer

    mailer.queue(db.session, [users["recipient"].email], "测试", "正文")
    db.session.flush()
    assert smtp.messages == []
    db.session.commit()
    assert [rcpts for rcpts, _ in smtp.messages] == [[users["recipient"].email]]


def test_other_sessions_do_not_send_the_apps_outbox(smtp, ctx, users):
    """The outbox listener belongs to the app's session, not to every Session class."""
    from matchmaker.services.platform import mailer

    settings = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": ctx.config["SMTP_PORT"],
                "SMTP_USER": None, "SMTP_PASSWORD": None, "SMTP_STARTTLS": False,
                "MAIL_FROM": "noreply@example.cn"}
    with Session(create_engine("sqlite://")) as other:
        other.info[mailer.OUTBOX] = [(settings, ["x@example.cn"], "测试", "正文")]
        other.commit()
    assert smtp.messages == []
