"""Generate the v2 evaluation set (needs.csv, offers.csv) from the project-type catalogue.

    /work/main/.venv/bin/python -m tests.scoring.evalset_v2.generate

Seeded and deterministic. Every (need, offer) pair is graded by the rules in README.md, which
were written before any tuning; grades use the hidden project type, never the engine.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from tests.scoring.evalset_v2.catalog import project_types
from tests.scoring.refdata import shipped_reference

HERE = Path(__file__).resolve().parent
SEED = 20261130
N_NEEDS = 340
N_BACKGROUND = 160
RECIPIENTS = ("540000", "650000", "XJBT00")
NEED_FILLERS = ["当地群众需求迫切，现有条件难以满足，申请援助资金{m}万元。",
                "经乡镇摸底申报、县级审核，项目资金缺口{m}万元，请求对口支援和社会力量支持。",
                "项目已列入县级年度计划，受益群众较多，尚缺资金{m}万元。"]
OFFER_FILLERS = ["本单位联合爱心企业发起，计划投入{m}万元{where}。",
                 "由{org}社会组织募集资金{m}万元，{where}，欢迎受援地申报对接。",
                 "公益项目，可提供资金{m}万元{where}，按项目进度拨付。"]


def _units(ref):
    """Recipient prefectures and 兵团 divisions with their counties."""
    units = [r for r in ref.regions if r.level in ("prefecture", "division")
             and r.province_code in RECIPIENTS]
    counties = {u.code: [r for r in ref.regions if r.parent_code == u.code
                         and r.level == "county"] for u in units}
    return units, counties


def _paired(ref):
    """Need region code → supporter province codes paired with it or its prefecture."""
    out: dict[str, set[str]] = {}
    for p in ref.pairings:
        if p.supporter_region_code:
            out.setdefault(p.recipient_region_code, set()).add(p.supporter_region_code)
    return out


def grade(need: dict, offer: dict, ref, paired) -> int:
    """The README rules: 0 sector wrong / region closed / no money; else by type, region, money."""
    sector = need["sector"]
    parent = ref.sector_by_code[sector].parent_code
    if not set(offer["sectors"]) & {sector, parent} or offer["money"] <= 0:
        return 0
    region, pref, prov = need["region"], need["prefecture"], need["province"]
    targets = set(offer["targets"])
    supporters = paired.get(region, set()) | paired.get(pref, set())
    if targets & {region, pref}:
        access = "explicit"
    elif not targets or prov in targets:
        access = "paired" if offer["org"] in supporters else "open"
    else:
        return 0
    if offer["type"] != need["type"]:
        return 0
    if offer["money"] < 0.5 * need["money"]:
        return 1
    return 3 if access in ("explicit", "paired") else 2


def generate() -> tuple[list[dict], list[dict]]:
    rng = random.Random(SEED)
    ref = shipped_reference()
    types = project_types()
    units, counties = _units(ref)
    paired = _paired(ref)
    supporters = [r.code for r in ref.regions
                  if r.level == "province" and r.code not in RECIPIENTS]
    needs, offers = [], []

    def offer(t, phrase, targets, org, money, kind, sector=None):
        where = ("，面向" + "、".join(ref.region_name(c) for c in targets)) if targets else \
            "，面向西藏、新疆和兵团各受援地"
        prefix = "" if not targets or rng.random() < 0.5 else ref.region_name(targets[0])
        title = prefix + phrase + rng.choice(["", "项目", "公益项目", "计划"])
        desc = rng.choice(OFFER_FILLERS).format(m=money, where=where, org=ref.region_name(org))
        sector = sector or (t["sector"] if rng.random() < 0.8 else t["sector"][:2])
        desc = phrase + "。" + desc.replace("，，", "，")
        offers.append({"key": f"O{len(offers) + 1:04d}", "title": title,
                       "description": desc, "sectors": [sector],
                       "targets": list(targets), "org": org, "money": money,
                       "type": t["id"], "kind": kind})

    for i in range(N_NEEDS):
        unit = units[i % len(units)]
        pool = counties[unit.code]
        place = rng.choice(pool) if pool and rng.random() < 0.8 else unit
        t = rng.choice(types)
        money = rng.choice([10, 20, 30, 40, 50, 60, 80, 100, 150, 200, 300])
        phrase = rng.choice(t["need"])
        need = {"key": f"N{i + 1:03d}", "type": t["id"], "sector": t["sector"],
                "region": place.code, "prefecture": unit.code, "province": unit.province_code,
                "money": money, "title": place.name + phrase,
                "description": (place.name + phrase + "。"
                                + rng.choice(NEED_FILLERS).format(m=money))}
        needs.append(need)
        mine = sorted(paired.get(place.code, set()) | paired.get(unit.code, set()))
        others = [s for s in supporters if s not in mine]
        def say(t=t):  # the foundation's words
            return rng.choice(t["offer"])

        before = len(offers)
        if rng.random() < 0.75:  # the fitting offer, aimed here
            offer(t, say(), [rng.choice([place.code, unit.code])], rng.choice(supporters),
                  round(money * rng.uniform(1.0, 3.0)), "target")
        if mine and rng.random() < 0.5:  # open, from the paired province
            offer(t, say(), [], rng.choice(mine), round(money * rng.uniform(0.8, 2.5)), "paired")
        if len(offers) == before or rng.random() < 0.5:  # open to any region, not paired
            offer(t, say(), [], rng.choice(others), round(money * rng.uniform(0.8, 2.5)), "open")
        if rng.random() < 0.6:  # aimed here, not enough money
            offer(t, say(), [place.code], rng.choice(supporters),
                  max(1, round(money * rng.uniform(0.1, 0.45))), "low-money")
        if rng.random() < 0.7:  # the need's own words, aimed at another prefecture
            other = rng.choice([u for u in units if u.code != unit.code
                                and u.province_code == unit.province_code] or units)
            offer(t, phrase, [other.code], rng.choice(supporters), money * 2, "other-region")
        siblings = [s for s in types if s["id"] != t["id"] and s["sector"][:2] == t["sector"][:2]]
        if siblings and rng.random() < 0.7:  # same sector, another project type, aimed here
            s = rng.choice(siblings)
            offer(s, rng.choice(s["offer"]), [place.code], rng.choice(supporters), money * 3,
                  "other-type")
        for _ in range(rng.choice([1, 1, 2])):  # another sector, aimed here, much money
            foreign = [s for s in types if s["sector"][:2] != t["sector"][:2]]
            if rng.random() < 0.5:  # one that shares characters with the need's words
                foreign.sort(key=lambda s: -len(set("".join(s["offer"])) & set(phrase)))
                foreign = foreign[:3]
            s = rng.choice(foreign)
            offer(s, rng.choice(s["offer"]), [place.code], rng.choice(supporters), money * 4,
                  "other-sector")
    for _ in range(N_BACKGROUND):  # open offers of every kind, for everyone
        t = rng.choice(types)
        offer(t, rng.choice(t["offer"]), [], rng.choice(supporters), rng.choice([20, 50, 100]),
              "background")
    keys = [n["key"] for n in needs]
    held = set(random.Random(SEED + 1).sample(keys, len(keys) // 2))
    for n in needs:
        n["split"] = "heldout" if n["key"] in held else "tuning"
        graded = [(o["key"], grade(n, o, ref, paired)) for o in offers]
        n["good"] = " ".join(f"{k}:{g}" for k, g in graded if g > 0)
    return needs, offers


def write(needs: list[dict], offers: list[dict]) -> None:
    with (HERE / "needs.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "split", "title", "description", "sector_code", "region_code",
                    "budget_wan", "type", "good"])
        for n in needs:
            w.writerow([n["key"], n["split"], n["title"], n["description"], n["sector"],
                        n["region"], n["money"], n["type"], n["good"]])
    with (HERE / "offers.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "title", "description", "sector_codes", "target_region_codes",
                    "org_region_code", "remaining_wan", "type", "kind"])
        for o in offers:
            w.writerow([o["key"], o["title"], o["description"], "、".join(o["sectors"]),
                        "、".join(o["targets"]), o["org"], o["money"], o["type"], o["kind"]])


if __name__ == "__main__":
    n, o = generate()
    write(n, o)
    best = [max((int(g.split(":")[1]) for g in x["good"].split()), default=0) for x in n]
    print(f"{len(n)} needs, {len(o)} offers, {sum(b >= 2 for b in best)} needs with a grade ≥ 2")
