"""``flask import`` (a 清单 sheet, all rows or none) and ``flask rank`` (the 推荐 sheet)."""

from __future__ import annotations

import click
from flask import current_app

from .. import unit_of_work
from ..services.errors import DomainError
from .common import fail, org_or_fail, run


@click.command("rank")
@click.option("--top", "top_k", default=None, type=click.IntRange(1, 1000),
              help="每条需求保留的推荐数（默认 SCORING_TOP_K）")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False),
              help="写出推荐表：.xlsx（工作表“推荐”）或 .csv")
@click.option("--widen", is_flag=True, help="不按供给的目标地区过滤")
@click.option("--learn", "learn_", is_flag=True, help="先从协调员的决定中学习排序权重")
@click.option("--background", is_flag=True,
              help="作为后台任务排队（REDIS_URL 时由 worker 运行；--out 是 worker 上的路径）")
def rank_command(top_k, out, widen, learn_, background) -> None:
    """Rank all published needs against all published offers."""
    from pathlib import Path

    from ..scoring.data import FACTOR_LABELS, FACTORS
    from ..services.matching import batch

    if out and Path(out).suffix.lower() not in (".xlsx", ".csv"):
        raise click.ClickException("--out 只支持 .xlsx 或 .csv 文件。")
    if learn_:
        from ..services.matching import weights

        try:
            result = unit_of_work.run(lambda: weights.learn(by=None))
        except DomainError as exc:
            click.echo(f"未学习权重：{exc.message}")
        else:
            d = result.decisions
            click.echo(f"协调员决定：确认 {d['confirmed']} 条、否决 {d['rejected']} 条、"
                       f"谢绝 {d['declined']} 条，另有展示未选 {d['passed_over']} 条；"
                       f"需求 {result.n_decisions} 条（较早 {result.n_train} 条学习，"
                       f"最新 {result.n_test} 条留出检验）：")
            for f in FACTORS:
                click.echo(f"  {FACTOR_LABELS[f]}  当前 {result.current_weights[f]:.3f}"
                           f"  学习 {result.weights[f]:.3f}")
            click.echo(f"  留出决定  NDCG@5 当前 {result.current.ndcg:.3f} 学习 "
                       f"{result.learned.ndcg:.3f}；首位命中率 当前 {result.current.hit1:.0%} "
                       f"学习 {result.learned.hit1:.0%}")
            click.echo("已采用学习到的权重。" if result.adopted
                       else "学习到的权重未明显优于当前权重，未采用。")
    top_k = top_k or current_app.config["SCORING_TOP_K"]
    if background:
        from ..services.platform import jobs

        target = str(Path(out).resolve()) if out else ""
        job = run(lambda: jobs.enqueue("ranking.write_sheet", top_k, widen, target))
        click.echo(f"已排队：后台任务 #{job.id}（批量排序）。")
        return
    table = run(lambda: batch.rank(top_k=top_k, widen=widen))  # may persist a text model
    click.echo(f"需求 {len(table.needs)} 条 × 供给 {len(table.offers)} 条，"
               f"推荐 {len(table)} 条，耗时 {table.seconds:.2f} 秒")
    if out:
        try:
            batch.write_sheet(table, Path(out))
        except DomainError as exc:
            fail(exc)
        click.echo(f"已写出 {out}")


@click.command("import")
@click.argument("kind", type=click.Choice(["needs", "offers"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "org_name", default=None,
              help="every row belongs to this organisation (else the 提交单位 column decides)")
@click.option("--draft", is_flag=True, help="import as drafts instead of publishing")
def import_command(kind, file, org_name, draft) -> None:
    """Import a 需求清单 (needs) or 供给清单 (offers) sheet: all rows or none."""
    from pathlib import Path

    from ..services.sheets import imports, workbooks

    org = org_or_fail(org_name) if org_name else None
    path = Path(file)
    if path.stat().st_size > workbooks.MAX_BYTES:
        raise click.ClickException("文件过大，请控制在 5 MB 以内。")
    try:
        sheet = workbooks.read_sheet(path.read_bytes(), path.name, imports.HEADERS[kind])
    except DomainError as exc:
        fail(exc)

    def save():
        plan = imports.check(kind, sheet, org=org, draft=draft)
        return plan, imports.save(plan, by=None, filename=path.name) if plan.ok else None

    plan, counts = run(save)
    if counts is None:
        run(lambda: imports.record_rejected(plan, by=None, filename=path.name))
        for message in plan.file_errors:
            click.echo(message, err=True)
        for error in plan.errors:
            click.echo(f"第 {error.row} 行 [{error.column}] {error.message}", err=True)
        raise click.ClickException(
            f"共 {len(plan.file_errors) + len(plan.errors)} 处错误，未导入任何数据。")
    if plan.ignored:
        click.echo(f"已忽略的列：{'、'.join(plan.ignored)}")
    click.echo(f"导入完成（{'草稿' if draft else '已发布'}）：{imports.summary(counts)}。")
