"""``flask worker``: run the background jobs queued on Redis (RQ), in this app's context."""

from __future__ import annotations

import click
from flask import current_app


@click.command("worker")
@click.option("--burst", is_flag=True, help="处理完队列中已有的任务后退出")
def worker_command(burst: bool) -> None:
    """Run queued background jobs (e-mail, screening, ranking) from Redis (REDIS_URL)."""
    from ..services.platform.jobs import backend

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException(
            "未设置 REDIS_URL：后台任务在 Web 进程内运行，无需启动 worker。")
    worker = backend.worker(url)
    click.echo(f"worker 已启动，队列 {backend.QUEUE_NAME}{'（burst）' if burst else ''}")
    worker.work(burst=burst, logging_level="WARNING")
