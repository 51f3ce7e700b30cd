"""``flask index rebuild``: refit the text model and rebuild the live match index."""

from __future__ import annotations

import time

import click

from ..services.matching import index, text_model
from .common import run


@click.group("index")
def index_cli() -> None:
    """The live match index (推荐索引)."""


@index_cli.command("rebuild")
@click.option("--keep-model", is_flag=True, help="沿用现有文本模型（除非缺失或语料变化超过 20%）")
def rebuild_command(keep_model: bool) -> None:
    """Refit the text model and recompute every published item's top candidates."""
    started = time.perf_counter()
    count = run(lambda: index.rebuild(refit=not keep_model))
    model = text_model.current()
    click.echo(f"推荐索引已重建：{count} 条，文本模型 #{model.id if model else '-'}"
               f"（语料 {model.corpus_size if model else 0} 条），"
               f"耗时 {time.perf_counter() - started:.2f} 秒")
