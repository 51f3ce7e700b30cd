"""``flask`` commands for set-up and operations."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import unit_of_work
from .cli_accounts import orgs_status, users_deactivate, users_reactivate
from .models.organisations import LEGAL_FORMS
from .ops import backup, demo
from .services.accounts import identity
from .services.errors import DomainError
from .services.matching import ranking, weights
from .services.organisations import directory
from .services.reference import seed
from .services.sheets import workbooks

orgs_cli = AppGroup("orgs", help="管理单位 (organisations).")
users_cli = AppGroup("users", help="管理用户 (users).")


def _fail(exc: DomainError) -> None:
    raise click.ClickException(exc.message)


def _run(operation):
    """Run ``operation`` in the unit of work; a refusal exits 1 with its message."""
    try:
        return unit_of_work.run(operation)
    except DomainError as exc:
        _fail(exc)


def _user_or_fail(email: str):
    user = identity.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"用户 {email} 不存在。")
    return user


@click.command("seed")
def seed_command() -> None:
    """Load reference data (regions, sectors, pairings); a second run changes nothing."""
    result = _run(seed.seed_all)
    click.echo(
        f"地区 +{result['regions']}，领域 +{result['sectors']}，对口支援关系 +{result['pairings']}"
    )
    if result["skipped"]:
        click.echo(f"未能解析的对口支援行（{len(result['skipped'])}）：")
        for line in result["skipped"]:
            click.echo(f"  {line}")


@click.command("demo")
def demo_command() -> None:
    """Load the demo organisations, users, needs and offers (idempotent)."""
    def load():
        seed.seed_all()
        return demo.load_demo(current_app.config["DEMO_PASSWORD"])

    created = _run(load)
    click.echo(
        f"演示数据：单位 +{created['organisations']}，用户 +{created['users']}，"
        f"需求 +{created['needs']}，供给 +{created['offers']}"
    )


@click.command("demo-accounts")
def demo_accounts_command() -> None:
    """Print the demo accounts, one per role."""
    password = current_app.config["DEMO_PASSWORD"]
    click.echo(f"演示账户（密码均为 {password}）：")
    for row in demo.read_csv(demo.DEMO_DIR / "users.csv")[:4]:
        click.echo(f"  {row['role']:<12} {row['email']:<28} {row['organisation']}")


@orgs_cli.command("create")
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice(["bureau", "social_org"]))
@click.option("--region", "region_code", required=True, help="GB/T 2260 code, e.g. 540200")
@click.option("--uscc", default=None, help="统一社会信用代码")
@click.option("--legal-form", default=None, type=click.Choice(list(LEGAL_FORMS)))
@click.option("--status", default="verified", type=click.Choice(["pending", "verified"]))
def orgs_create(name, kind, region_code, uscc, legal_form, status) -> None:
    """Create an organisation and print its id."""
    org, warnings = _run(lambda: directory.create_organisation(
        name=name, kind=kind, region_code=region_code, uscc_code=uscc,
        legal_form=legal_form, status=status))
    for warning in warnings:
        click.echo(f"注意：{warning}", err=True)
    click.echo(org.id)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["recipient", "supporter", "coordinator", "admin"])
)
@click.option("--org", "org_name", default=None, help="organisation name")
@click.option("--name", "display_name", default="", help="display name")
def users_create(email, password, role, org_name, display_name) -> None:
    """Create a user."""
    org = None
    if org_name:
        org = directory.get_by_name(org_name)
        if org is None:
            raise click.ClickException(f"单位“{org_name}”不存在。")
    user = _run(lambda: identity.create_user(
        email=email, password=password, role=role, display_name=display_name,
        organisation=org))
    click.echo(f"用户 {user.email}（{user.role_label}）已创建，id {user.id}")


@users_cli.command("token")
@click.argument("email")
def users_token(email) -> None:
    """Print a new API token for EMAIL (the token alone on one line)."""
    user = _user_or_fail(email)
    token = _run(lambda: identity.create_token(
        user, "命令行生成", days=current_app.config["API_TOKEN_DAYS"]))
    click.echo(token)


@users_cli.command("unlock")
@click.argument("email")
def users_unlock(email) -> None:
    """Lift a login lock on EMAIL."""
    user = _user_or_fail(email)
    _run(lambda: identity.unlock(user))
    click.echo(f"已解锁 {user.email}")


users_cli.add_command(users_deactivate)
users_cli.add_command(users_reactivate)
orgs_cli.add_command(orgs_status)


def register(app: Flask) -> None:
    for command in (seed_command, demo_command, demo_accounts_command, orgs_cli, users_cli,
                    rank_command, import_command, screen_command, backup_command,
                    restore_command):
        app.cli.add_command(command)


@click.command("rank")
@click.option("--top", "top_k", default=None, type=click.IntRange(1, 1000),
              help="每条需求保留的推荐数（默认 SCORING_TOP_K）")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False),
              help="写出推荐表：.xlsx（工作表“推荐”）或 .csv")
@click.option("--widen", is_flag=True, help="不按供给的目标地区过滤")
@click.option("--learn", "learn_", is_flag=True, help="先从协调员的确认/否决中学习权重")
def rank_command(top_k, out, widen, learn_) -> None:
    """Rank all published needs against all published offers."""
    from pathlib import Path

    from .scoring import FACTOR_LABELS, FACTORS

    if out and Path(out).suffix.lower() not in (".xlsx", ".csv"):
        raise click.ClickException("--out 只支持 .xlsx 或 .csv 文件。")
    if learn_:
        try:
            result = unit_of_work.run(lambda: weights.learn(by=None))
        except DomainError as exc:
            click.echo(f"未学习权重：{exc.message}")
        else:
            click.echo(f"协调员决定 {result.n_decisions} 条，{result.n_folds} 折交叉验证：")
            for f in FACTORS:
                click.echo(f"  {FACTOR_LABELS[f]}  默认 {result.default_weights[f]:.3f}"
                           f"  学习 {result.weights[f]:.3f}")
            click.echo(f"  准确率  默认 {result.default_accuracy:.1%}  学习 {result.accuracy:.1%}")
            click.echo("已采用学习到的权重。" if result.adopted
                       else "学习到的权重未优于默认权重，未采用。")
    top_k = top_k or current_app.config["SCORING_TOP_K"]
    result = ranking.rank_all(top_k=top_k, widen=widen)
    click.echo(f"需求 {result.n_needs} 条 × 供给 {result.n_offers} 条，"
               f"推荐 {len(result.rows)} 条，耗时 {result.seconds:.2f} 秒")
    if out:
        ranking.write_sheet(result.rows, Path(out))
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

    from .services.sheets import imports

    org = None
    if org_name:
        org = directory.get_by_name(org_name)
        if org is None:
            raise click.ClickException(f"单位“{org_name}”不存在。")
    path = Path(file)
    if path.stat().st_size > workbooks.MAX_BYTES:
        raise click.ClickException("文件过大，请控制在 5 MB 以内。")
    try:
        sheet = workbooks.read_sheet(path.read_bytes(), path.name, imports.HEADERS[kind])
    except DomainError as exc:
        _fail(exc)

    def save():
        plan = imports.check(kind, sheet, org=org, draft=draft)
        return plan, imports.save(plan, by=None, filename=path.name) if plan.ok else None

    plan, counts = _run(save)
    if counts is None:
        _run(lambda: imports.record_rejected(plan, by=None, filename=path.name))
        for message in plan.file_errors:
            click.echo(message, err=True)
        for error in plan.errors:
            click.echo(f"第 {error.row} 行 [{error.column}] {error.message}", err=True)
        raise click.ClickException(
            f"共 {len(plan.file_errors) + len(plan.errors)} 处错误，未导入任何数据。")
    if plan.ignored:
        click.echo(f"已忽略的列：{'、'.join(plan.ignored)}")
    click.echo(f"导入完成（{'草稿' if draft else '已发布'}）：{imports.summary(counts)}。")


@click.command("screen")
def screen_command() -> None:
    """Screen every organisation against the 非法社会组织 lists (run nightly)."""
    from .services.organisations import screening

    hits = _run(screening.screen_all)
    click.echo(f"筛查完成：新发现线索 {hits} 条，待复核共 {screening.open_count()} 条。")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path) -> None:
    """Write a consistent copy of the database to PATH."""
    from pathlib import Path


    try:
        backup.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(path))
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已备份到 {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="不再询问，直接覆盖当前数据库")
def restore_command(path, yes) -> None:
    """Replace the database with the backup in PATH."""
    from pathlib import Path


    if not yes:
        click.confirm("恢复将覆盖当前数据库的全部数据，确定继续吗？", abort=True)
    try:
        backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(path))
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已从 {path} 恢复")
