"""Notification e-mail through a real SMTP server (aiosmtpd on localhost), sent by the
``mail.send`` job after the change commits (in-process here: no REDIS_URL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker import unit_of_work
from matchmaker.app import create_app
from matchmaker.extensions import db
from matchmaker.models import Job
from matchmaker.services.errors import Conflict
from matchmaker.services.matching import lifecycle, plans
from matchmaker.services.platform import jobs, mailer
from tests import factories
from tests.mail_helpers import smtp  # noqa: F401 - fixture


def test_confirmation_mails_both_organisations_after_commit(smtp, ctx, users):  # noqa: F811
    need = factories.make_need(users["recipient"].organisation)
    offer = factories.make_offer(users["supporter"].organisation)
    db.session.commit()
    decision = lifecycle.Decision(need.id, offer.id, "confirmed", 1000)
    unit_of_work.run(lambda: lifecycle.decide(decision,
                                  by=users["coordinator"]))
    recipients = sorted(r for rcpts, _ in smtp.messages for r in rcpts)
    assert recipients == sorted([users["recipient"].email, users["supporter"].email])
    assert "Subject:" in smtp.messages[0][1]
    assert db.session.scalars(select(Job.status)).all() == ["finished"]


def test_rolled_back_change_sends_nothing(smtp, ctx, users):  # noqa: F811
    """The first confirmation of a plan queues mail; the second fails; nothing is sent
    and no job is left behind."""
    org = users["recipient"].organisation
    first, second = factories.make_need(org), factories.make_need(org, budget_yuan=1000)
    offer = factories.make_offer(users["supporter"].organisation)
    db.session.commit()
    rows = [(first.id, offer.id, 1000), (second.id, offer.id, 5000)]
    with pytest.raises(Conflict):
        unit_of_work.run(lambda: plans.confirm_all(rows, by=users["coordinator"]))
    assert smtp.messages == []
    assert db.session.scalars(select(Job)).all() == []


def _confirm_one(users):
    need = factories.make_need(users["recipient"].organisation)
    offer = factories.make_offer(users["supporter"].organisation)
    db.session.commit()
    decision = lifecycle.Decision(need.id, offer.id, "confirmed", 1000)
    unit_of_work.run(lambda: lifecycle.decide(decision, by=users["coordinator"]))


def test_a_second_app_in_the_process_does_not_send_mail_twice(smtp, ctx, users,  # noqa: F811
                                                               tmp_path):
    create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.sqlite'}"})
    create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.sqlite'}"})
    _confirm_one(users)
    recipients = sorted(r for rcpts, _ in smtp.messages for r in rcpts)
    assert recipients == sorted([users["recipient"].email, users["supporter"].email])


def test_mail_is_not_sent_before_commit(smtp, ctx, users):  # noqa: F811
    mailer.queue(db.session, [users["recipient"].email], "测试", "正文")
    db.session.flush()
    assert smtp.messages == []
    db.session.commit()
    jobs.run_ready()  # what the unit of work does after its commit
    assert [rcpts for rcpts, _ in smtp.messages] == [[users["recipient"].email]]


def test_no_smtp_no_job(ctx, users):
    """Without SMTP_HOST notifications are in-app only: no mail job is queued."""
    unit_of_work.run(lambda: mailer.queue(db.session, [users["recipient"].email], "测试", "正文"))
    assert db.session.scalars(select(Job)).all() == []
