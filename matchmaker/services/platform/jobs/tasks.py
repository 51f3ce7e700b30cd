"""The tasks: thin functions of plain values that call the services. Each runs in an app
context inside the unit of work the runner opens (services flush; the runner commits)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from .registry import task


@task("mail.send")
def send_mail(recipients: list[str], subject: str, body: str) -> None:
    """Notification e-mail through the SMTP server configured in this process."""
    from .. import mailer

    mailer.send(recipients, subject, body)


@task("screening.screen_all")
def screen_all() -> int:
    """The nightly screening of every organisation against the 非法社会组织 lists."""
    from ...organisations import screening

    return screening.screen_all()


@task("ranking.write_sheet")
def rank_to_sheet(top_k: int, widen: bool, out: str) -> int:
    """Rank every published need against every published offer; write the 推荐 sheet to
    ``out`` (a path on the worker's machine). Returns the number of rows."""
    from ...matching import batch

    table = batch.rank(top_k=top_k or current_app.config["SCORING_TOP_K"], widen=widen)
    if out:
        batch.write_sheet(table, Path(out))
    return len(table)


@task("matching.refresh")
def refresh_match_index(need_ids: list[int], offer_ids: list[int], org_ids: list[int],
                        everything: bool) -> int:
    """Bring the match index up to date after committed changes (see index_queue)."""
    from ...matching import index

    return index.refresh(need_ids=need_ids, offer_ids=offer_ids, org_ids=org_ids,
                         everything=everything)


@task("sheets.check")
def check_upload(upload_id: int, ip: str) -> int:
    """Check every row of a large uploaded sheet and keep its preview (progress polled)."""
    from ...sheets import import_jobs

    return import_jobs.run_check(upload_id, ip)


@task("sheets.import")
def import_upload(upload_id: int, ip: str) -> int:
    """Save a confirmed large import, all rows or none (progress polled)."""
    from ...sheets import import_jobs

    return import_jobs.run_import(upload_id, ip)
