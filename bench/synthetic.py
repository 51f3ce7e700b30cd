"""Realistic synthetic 需求清单 / 供给清单 for the benchmarks, built on the real reference data.

``reference()`` seeds an in-memory SQLite database with the shipped regions, sectors and
pairings and reads them back through ``services.matching.load_reference``.
"""

from __future__ import annotations

import random

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.scoring import NeedTable, OfferTable, Reference
from matchmaker.services.matching import ranking
from matchmaker.services.reference import seed as reference_data

SUFFIX = ["项目", "建设项目", "提升工程", "服务项目", "援助计划", "能力提升行动", "试点"]
UNITS = ["所乡镇", "个行政村", "所学校", "家卫生院", "个社区", "个安置点", "户困难家庭"]
GOALS = [
    "改善当地群众生产生活条件", "补齐基层公共服务短板", "提升基层服务能力和水平",
    "巩固拓展脱贫攻坚成果", "惠及农牧民群众", "推动项目长效运行", "促进民族团结进步",
]
WAYS = [
    "采取送教下乡与赴内地跟岗相结合方式", "由专业团队驻点指导", "分两期实施",
    "建立项目台账和绩效评估机制", "依托当地社会组织实施", "配套开展人员培训",
]


def reference() -> Reference:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        db.create_all()
        reference_data.seed_all()
        return ranking.load_reference()


def _phrases(ref: Reference) -> dict[str, list[str]]:
    import csv
    from pathlib import Path

    path = Path(reference_data.DATA_DIR) / "sectors.csv"
    with path.open(encoding="utf-8") as fh:
        descriptions = {r["code"]: r["description"] for r in csv.DictReader(fh)}
    return {s.code: [s.name, *descriptions.get(s.code, "").split("、")]
            for s in ref.sectors if s.parent_code}


def _text(rng: random.Random, place: str, phrases: list[str]) -> tuple[str, str]:
    topic = rng.choice(phrases)
    title = f"{place}{topic}{rng.choice(SUFFIX)}"
    sentences = [
        f"为{place}{rng.randint(3, 60)}{rng.choice(UNITS)}开展{topic}和{rng.choice(phrases)}",
        f"{rng.choice(WAYS)}，{rng.choice(GOALS)}",
        f"项目覆盖群众约{rng.randint(2, 300) * 10}人，{rng.choice(GOALS)}",
    ]
    return title, "。".join(rng.sample(sentences, rng.randint(1, 3))) + "。"


def generate(ref: Reference, n_needs: int, n_offers: int, seed: int = 0
             ) -> tuple[NeedTable, OfferTable]:
    """``n_needs`` needs in recipient counties/prefectures and ``n_offers`` offers from paired
    supporter provinces, with realistic money (万元 ranges) and sector mixes."""
    rng = random.Random(seed)
    phrases = _phrases(ref)
    subsectors = sorted(phrases)
    recipients = [r for r in ref.regions if r.province_code in ("540000", "650000", "XJBT00")
                  and r.level in ("county", "prefecture", "division")]
    counties = [r for r in recipients if r.level == "county"]
    units = [r for r in recipients if r.level != "county"]
    children: dict[str, list[str]] = {}
    for r in counties:
        children.setdefault(r.parent_code, []).append(r.code)
    pairings = [p for p in ref.pairings if p.supporter_region_code]

    needs = []
    for i in range(n_needs):
        region = rng.choice(counties) if rng.random() < 0.8 else rng.choice(units)
        sector = rng.choice(subsectors)
        title, description = _text(rng, region.name, phrases[sector])
        needs.append({"id": i + 1, "title": title, "description": description,
                      "sector_code": sector, "region_code": region.code,
                      "uncommitted_yuan": int(10 ** rng.uniform(4.7, 6.9)) // 1000 * 1000})
    offers = []
    for j in range(n_offers):
        pairing = rng.choice(pairings)
        target = ref.region_by_code.get(pairing.recipient_region_code)
        roll = rng.random()
        if roll < 0.3 or target is None:
            targets: tuple[str, ...] = ()
        elif roll < 0.65 and children.get(ref.prefecture_of(target.code) or ""):
            pool = children[ref.prefecture_of(target.code)]
            targets = tuple(rng.sample(pool, min(len(pool), rng.randint(1, 3))))
        elif roll < 0.9:
            targets = (ref.prefecture_of(target.code) or target.code,)
        else:
            targets = (target.province_code,)
        first = rng.choice(subsectors)
        family = [s for s in subsectors if s[:2] == first[:2]]
        sectors = tuple(sorted({first, *rng.sample(family, rng.randint(0, min(2, len(family))))}))
        place = ref.region_name(targets[0]) if targets else "受援地区"
        title, description = _text(rng, place, phrases[first])
        budget = int(10 ** rng.uniform(5, 7.3)) // 1000 * 1000
        remaining = 0 if rng.random() < 0.05 else rng.randint(budget // 3, budget)
        offers.append({"id": j + 1, "title": title, "description": description,
                       "sector_codes": sectors, "target_region_codes": targets,
                       "org_region_code": pairing.supporter_region_code,
                       "remaining_yuan": remaining})
    return NeedTable.from_records(needs), OfferTable.from_records(offers)
