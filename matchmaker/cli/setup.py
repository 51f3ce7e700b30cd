"""Set-up: reference data (``flask seed``) and the demo data set (``flask demo``)."""

from __future__ import annotations

import click
from flask import current_app

from ..ops import demo
from ..services.reference import seed
from .common import run


@click.command("seed")
def seed_command() -> None:
    """Load reference data (regions, sectors, pairings, concepts); a second run changes
    nothing."""
    result = run(seed.seed_all)
    click.echo(
        f"地区 +{result['regions']}，领域 +{result['sectors']}，对口支援关系 +{result['pairings']}"
        f"，项目类型 +{result['concepts']}"
    )
    if result["skipped"]:
        # Rows of pairings.csv without a recipient region of their own (e.g. a province-level
        # note): expected, not a failure; listed for whoever maintains the data.
        click.echo(f"提示：pairings.csv 中有 {len(result['skipped'])} 行未对应到具体受援地区，"
                   "已跳过（不影响使用）：")
        for line in result["skipped"]:
            click.echo(f"  {line}")


@click.command("demo")
def demo_command() -> None:
    """Load the demo organisations, users, needs and offers (idempotent)."""
    def load():
        seed.seed_all()
        return demo.load_demo(current_app.config["DEMO_PASSWORD"])

    created = run(load)
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
