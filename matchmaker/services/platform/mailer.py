"""E-mail for notifications, when SMTP is configured (SMTP_HOST).

:func:`queue` enqueues the background job ``mail.send`` in the caller's transaction: a
rolled-back change sends nothing, and the request never waits for the mail server (the
job runs on the RQ worker, or in-process after the response without Redis). A failing
mail server fails the job, which admins see and retry at /admin/jobs."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from . import jobs

SUBJECT_MAX = 200


def enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("SMTP_HOST"))


def queue(session: Session | None, recipients: list[str], subject: str, body: str) -> None:
    """Send after the current transaction commits (no-op when SMTP is not configured).

    ``session`` is kept for callers' compatibility: the job joins the app's session."""
    if recipients and enabled():
        jobs.enqueue("mail.send", list(recipients), subject[:SUBJECT_MAX], body)


def send(recipients: list[str], subject: str, body: str) -> None:
    """Send one message now with this process' SMTP settings (the ``mail.send`` task).
    Raises ``OSError``/``SMTPException`` when the server cannot be reached or refuses."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        raise RuntimeError("SMTP_HOST 未配置，无法发送邮件。")
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=10) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)
