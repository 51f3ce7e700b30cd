"""Coordinators' decisions made through the match lifecycle, for learning-to-rank tests.

Each need (of 日喀则, about one project topic) gets four offers from one 上海 supporter:
three that say exactly what the need says but cover only 60–80% of its money, and one worded
a little differently that covers all of it. ``choose`` says which offer the coordinator confirms.
"""

from __future__ import annotations

import numpy as np

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.services.matching import lifecycle
from tests import factories

TOPICS = ("牦牛良种繁育", "青稞精深加工", "藏药材种植", "高原光伏发电", "冰川科普展馆",
          "唐卡非遗传承", "藏香手工制作", "雪域马术运动", "盐湖锂矿勘探", "沙棘果汁饮料",
          "葡萄晾房改造", "棉花机采示范", "核桃嫁接改良", "红枣烘干车间", "哈密瓜冷链",
          "羊绒纺纱织造", "和田玉雕刻", "艾德莱斯绸", "馕坑烤制", "薰衣草精油", "枸杞有机认证",
          "骆驼奶粉", "冬虫夏草保护", "松茸采摘", "林芝桃花节", "纳木错环湖", "珠峰登山向导",
          "天池游船码头", "喀纳斯木屋", "坎儿井维修")
NEED_BUDGET = 1_000_000


def money_offer(offers):
    """The offer covering the need's money (the last one made)."""
    return offers[-1]


def random_offer(rng):
    return lambda offers: offers[int(rng.integers(len(offers)))]


def make_needs(recipient_org, supporter_org, n: int, start: int = 0):
    """``n`` needs with their four offers each: [(need, [offers])]."""
    made = []
    for topic in TOPICS[start:start + n]:
        text = {"title": topic, "description": f"{topic}项目。"}
        need = factories.make_need(recipient_org, sector_code="0104", region_code="540200",
                                   budget_yuan=NEED_BUDGET, **text)
        offers = [factories.make_offer(supporter_org, budget_yuan=share, **text)
                  for share in (600_000, 700_000, 800_000)]
        offers.append(factories.make_offer(
            supporter_org, title=f"{topic}长期帮扶", description=f"{topic}资金全额支持。",
            budget_yuan=1_500_000))
        made.append((need, offers))
    db.session.commit()
    return made


def decide_all(made, coordinator, choose) -> None:
    """The coordinator confirms ``choose(offers)`` for each need, oldest need first."""
    for need, offers in made:
        chosen = choose(offers)
        unit_of_work.run(lambda n=need, o=chosen: lifecycle.decide(
            lifecycle.Decision(n.id, o.id, "confirmed", amount_yuan=500_000), by=coordinator))


def random_choices(seed: int = 0):
    return random_offer(np.random.default_rng(seed))
