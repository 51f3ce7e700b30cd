"""E-mail for notifications, when SMTP is configured (SMTP_HOST). Messages are queued on
the database session and sent only after it commits, so a rolled-back change sends
nothing; a failing mail server is logged and never breaks the request.

The commit/rollback listeners are bound by the app factory (:func:`register`) to the
app's session only, not to every SQLAlchemy Session class at import."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

log = logging.getLogger(__name__)
OUTBOX = "mail_outbox"


def enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("SMTP_HOST"))


def queue(session: Session, recipients: list[str], subject: str, body: str) -> None:
    """Send after ``session`` commits (no-op when SMTP is not configured)."""
    if recipients and enabled():
        settings = {k: current_app.config.get(k) for k in (
            "SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS",
            "MAIL_FROM")}
        session.info.setdefault(OUTBOX, []).append((settings, recipients, subject, body))


def _send(settings: dict, recipients: list[str], subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = settings["MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings["SMTP_HOST"], int(settings["SMTP_PORT"]), timeout=10) as smtp:
        if settings["SMTP_STARTTLS"]:
            smtp.starttls()
        if settings["SMTP_USER"]:
            smtp.login(settings["SMTP_USER"], settings["SMTP_PASSWORD"] or "")
        smtp.send_message(message)


def register(session: scoped_session | type[Session]) -> None:
    """Send queued mail after ``session`` commits and drop it after a rollback.

    Idempotent: registering the same session twice (a second app) adds nothing."""
    for name, listener in (("after_commit", _flush_outbox), ("after_rollback", _drop_outbox)):
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)


def _flush_outbox(session: Session) -> None:
    for settings, recipients, subject, body in session.info.pop(OUTBOX, []):
        try:
            _send(settings, recipients, subject, body)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("notification e-mail to %s failed: %s", recipients, exc)


def _drop_outbox(session: Session) -> None:
    session.info.pop(OUTBOX, None)
