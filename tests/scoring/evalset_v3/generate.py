"""Write evaluation set v3 (``needs.csv``, ``offers.csv``) from the hand-written phrase tables
(``phrases.py``), the shipped regions and pairings, and the grading rules of README.md.

Seeded and byte-identical on rerun::

    PYTHONPATH=$PWD /work/main/.venv/bin/python -m tests.scoring.evalset_v3.generate

Grades come from the latent type, regions, money and organisation status only (``grade``);
no scorer is imported here.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
from collections import defaultdict
from pathlib import Path

from tests.scoring.evalset_v3.phrases import TYPES, part_of
from tests.scoring.refdata import shipped_reference

HERE = Path(__file__).resolve().parent
SEED = 20261130
NEEDS_PER_UNIT = 10
BACKGROUND = 150
RECIPIENTS = ("540000", "650000", "XJBT00")
NOT_A_PREFECTURE = {"659000"}  # GB/T grouping node of the 兵团 cities

SHORT = {"110000": "京", "120000": "津", "130000": "冀", "140000": "晋", "210000": "辽",
         "220000": "吉", "230000": "黑", "310000": "沪", "320000": "苏", "330000": "浙",
         "340000": "皖", "350000": "闽", "360000": "赣", "370000": "鲁", "410000": "豫",
         "420000": "鄂", "430000": "湘", "440000": "粤", "500000": "渝", "610000": "陕",
         "510000": "川", "150000": "蒙", "530000": "滇", "520000": "黔", "450000": "桂"}
FOUNDATION_WORDS = ("春晖", "同心", "暖阳", "启明", "善源", "青禾", "山海", "益路", "雪莲",
                    "格桑", "胡杨", "石榴籽", "光华", "心桥", "德润", "长风")
ORG_FORMS = ("公益基金会", "慈善基金会", "社会工作服务中心", "公益发展中心", "慈善会")
COMPANY_FORMS = ("集团有限公司", "股份有限公司", "控股集团")
BUREAU = {"01": "教育局", "02": "卫生健康委员会", "03": "农业农村局", "04": "人力资源和社会保障局",
          "05": "乡村振兴局", "06": "发展和改革委员会", "07": "民政局", "08": "民政局",
          "09": "民政局", "10": "民政局", "11": "文化体育广播电视和旅游局", "12": "林业和草原局",
          "13": "科学技术局", "14": "民政局"}
SCALE = ("涉及{k}个乡镇、约{n}户群众", "受益人口约{n}人", "覆盖{k}个行政村", "惠及{n}名群众",
         "服务对象约{n}人")


def split_of(key: str) -> str:
    """The part a need belongs to: held-out when the first byte of sha1(key) is odd."""
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).digest()
    return "heldout" if digest[0] % 2 else "tuning"


def phrase(rng: random.Random, values: tuple[str, ...], part: str) -> str:
    return rng.choice([v for i, v in enumerate(values) if part_of(i) == part])


class World:
    """Recipient units, their counties, and the pairing rule of README.md."""

    def __init__(self) -> None:
        ref = self.ref = shipped_reference()
        self.units = [r for r in ref.regions
                      if r.level in ("prefecture", "division") and r.province_code in RECIPIENTS
                      and r.code not in NOT_A_PREFECTURE]
        self.counties = defaultdict(list)
        for r in ref.regions:
            if r.level == "county" and r.parent_code:
                self.counties[r.parent_code].append(r)
        self.provinces = [r for r in ref.regions if r.level == "province"
                          and r.code not in RECIPIENTS and r.code in SHORT]
        self.paired_to = defaultdict(set)  # supporter province code → recipient codes
        for p in ref.pairings:
            if p.supporter_region_code:
                self.paired_to[p.supporter_region_code].add(p.recipient_region_code)

    def unit_of(self, code: str) -> str:
        return self.ref.prefecture_of(code)

    def is_paired(self, province: str, region: str) -> bool:
        unit = self.unit_of(region)
        recipients = self.paired_to.get(province, set())
        if region in recipients or unit in recipients:
            return True
        if region == unit:  # a prefecture-level need: any county of it paired
            return any(self.unit_of(c) == unit for c in recipients
                       if self.ref.region_by_code[c].level == "county")
        return False


def grade(world: World, need: dict, offer: dict) -> int:
    """The README's rules, for one need × offer pair."""
    if offer["org_status"] == "suspended":
        return 0
    sub = need["sector_code"]
    if sub not in offer["sectors"] and sub[:2] not in offer["sectors"]:
        return 0
    if offer["type"] != need["type"]:
        return 0
    region, unit = need["region_code"], world.unit_of(need["region_code"])
    province = world.ref.province_of(region)
    targets = offer["targets"]
    if region in targets or unit in targets or (
            region == unit and any(world.unit_of(t) == unit for t in targets)):
        base = 3
    elif region != unit and any(world.unit_of(t) == unit for t in targets):
        base = 1  # neighbour county only
    elif not targets or province in targets:
        base = 3 if world.is_paired(offer["org_region_code"], region) else 2
    else:
        return 0
    if offer["money"] < need["money"] / 2:
        base = min(base, 1)
    return base


def _money(rng: random.Random, low: float, high: float) -> int:
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    return max(5, int(round(value / 5)) * 5)


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


class Writer:
    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.offers: list[dict] = []
        self.by_sector = defaultdict(list)
        for key, t in TYPES.items():
            self.by_sector[t.sector[:2]].append(key)

    def place_name(self, code: str) -> str:
        region = self.world.ref.region_by_code[code]
        if region.level == "county":
            return self.world.ref.region_name(region.parent_code) + region.name
        return region.name

    def org(self, province: str, kind: str) -> str:
        rng, short = self.rng, SHORT[province]
        name = self.world.ref.region_name(province).removesuffix("省").removesuffix("市")
        if kind == "command":
            return rng.choice((f"{name}对口支援工作领导小组办公室", f"{short}对口支援前方指挥部",
                               f"{name}对口支援工作队", f"{short}对口支援办"))
        if kind == "company":
            return f"{name}{rng.choice(FOUNDATION_WORDS)}{rng.choice(COMPANY_FORMS)}"
        return f"{name}{rng.choice(FOUNDATION_WORDS)}{rng.choice(ORG_FORMS)}"

    def sectors(self, type_key: str) -> list[str]:
        sub = TYPES[type_key].sector
        codes = [sub[:2] if self.rng.random() < 0.2 else sub]
        if self.rng.random() < 0.1:
            other = self.rng.choice([t.sector for t in TYPES.values() if t.sector[:2] != sub[:2]])
            codes.append(other)
        return codes

    def need_text(self, type_key: str, region: str, part: str, money: int) -> tuple[str, str]:
        rng, t = self.rng, TYPES[type_key]
        title = phrase(rng, t.need_titles, part)
        place = self.place_name(region)
        if rng.random() < 0.5:
            title = self.world.ref.region_name(region) + title
        scale = rng.choice(SCALE).format(k=rng.randint(2, 12), n=rng.randint(3, 90) * 100)
        desc = (f"{place}{BUREAU[t.sector[:2]]}申报：{phrase(rng, t.need_details, part)}。"
                f"{scale}，申请援助资金{money}万元。")
        return title, desc

    def offer_text(self, type_key: str, part: str, org: str, scope: str,
                   money: int) -> tuple[str, str]:
        rng, t = self.rng, TYPES[type_key]
        title = phrase(rng, t.offer_titles, part)
        if rng.random() < 0.3:
            title = f"{title}（{rng.choice(('第二期', '2025年度', '2026年度', '三年行动'))}）"
        desc = (f"{org}{rng.choice(('拟实施', '发起', '计划开展', '出资开展'))}："
                f"{phrase(rng, t.offer_details, part)}。{scope}，可投入{money}万元。")
        return title, desc

    def scope(self, targets: list[str]) -> str:
        if not targets:
            return self.rng.choice(("面向西藏、新疆及兵团受援地区", "受援地区均可申请", "不限地区"))
        names = "、".join(self.place_name(t) if t not in RECIPIENTS
                         else self.world.ref.region_name(t) for t in targets)
        return f"定向支持{names}"

    def add_offer(self, type_key: str, kind: str, part: str, province: str, targets: list[str],
                  money: int, for_need: str = "", status: str = "active", org_kind: str = "",
                  text_from_need: tuple[str, str] | None = None) -> None:
        org_kind = org_kind or self.rng.choice(("command", "foundation", "foundation", "company"))
        org = self.org(province, org_kind)
        if text_from_need:
            title, desc = text_from_need
            desc = f"{org}援助：{desc.split('申报：', 1)[-1].rsplit('申请援助资金', 1)[0]}" \
                   f"{self.scope(targets)}，可投入{money}万元。"
        else:
            title, desc = self.offer_text(type_key, part, org, self.scope(targets), money)
        self.offers.append({
            "key": f"O{len(self.offers) + 1:04d}", "split": part, "title": title,
            "description": desc, "sectors": self.sectors(type_key), "targets": targets,
            "org_region_code": province, "money": money, "type": type_key, "kind": kind,
            "org_status": status, "for_need": for_need})

    def other_unit(self, unit: str) -> str:
        province = self.world.ref.province_of(unit)
        same = self.rng.random() < 0.5
        pool = [u.code for u in self.world.units if u.code != unit
                and (self.world.ref.province_of(u.code) == province) == same]
        chosen = self.rng.choice(pool)
        counties = self.world.counties.get(chosen)
        return self.rng.choice(counties).code if counties and self.rng.random() < 0.5 else chosen

    def close_type(self, need: dict) -> str:
        """Another sector's type sharing the most character bigrams with the need's text."""
        grams = _bigrams(need["title"] + need["description"])
        best = max((k for k, t in TYPES.items() if t.sector[:2] != need["sector_code"][:2]),
                   key=lambda k: (len(grams & _bigrams("".join(TYPES[k].offer_titles
                                                              + TYPES[k].offer_details))), k))
        return best

    def around(self, need: dict) -> None:
        rng, world, part = self.rng, self.world, need["split"]
        region, unit, b, key, tk = (need["region_code"], self.world.unit_of(need["region_code"]),
                                    need["money"], need["key"], need["type"])
        province = world.ref.province_of(region)
        pick = lambda: rng.choice(world.provinces).code  # noqa: E731
        paired = [p.code for p in world.provinces if world.is_paired(p.code, region)]
        unpaired = [p.code for p in world.provinces if p.code not in paired]
        here = [rng.choice((region, unit))]
        self.add_offer(tk, "target", part, rng.choice(paired or unpaired), here,
                       _money(rng, b, 3 * b), key)
        if paired and rng.random() < 0.7:
            self.add_offer(tk, "paired", part, rng.choice(paired),
                           [province] if rng.random() < 0.3 else [], _money(rng, 0.8 * b, 3 * b),
                           key)
        if rng.random() < 0.5:
            self.add_offer(tk, "open", part, rng.choice(unpaired), [],
                           _money(rng, 0.8 * b, 3 * b), key, org_kind="foundation")
        neighbours = [c.code for c in world.counties.get(unit, []) if c.code != region]
        if region != unit and neighbours and rng.random() < 0.2:
            self.add_offer(tk, "neighbour", part, pick(), [rng.choice(neighbours)],
                           _money(rng, b, 3 * b), key)
        if rng.random() < 0.4:
            self.add_offer(tk, "lowmoney", part, pick(), [region],
                           max(1, int(b * rng.uniform(0.1, 0.45))), key)
        if rng.random() < 0.3:
            self.add_offer(tk, "suspended", part, pick(), here, _money(rng, b, 3 * b), key,
                           status="suspended", org_kind="foundation")
        self.add_offer(tk, "otherregion", part, pick(), [self.other_unit(unit)],
                       _money(rng, b, 3 * b), key,
                       text_from_need=self.need_text(tk, region, part, b))
        others = [k for k in self.by_sector[need["sector_code"][:2]] if k != tk]
        self.add_offer(rng.choice(others), "othertype", part, pick(), [region],
                       _money(rng, 2 * b, 4 * b), key)
        other = (self.close_type(need) if rng.random() < 0.5 else
                 rng.choice([k for k, t in TYPES.items()
                             if t.sector[:2] != need["sector_code"][:2]]))
        self.add_offer(other, "othersector", part, pick(), [region],
                       _money(rng, 3 * b, 5 * b), key)


def build() -> tuple[list[dict], list[dict], World]:
    rng = random.Random(SEED)
    world = World()
    writer = Writer(world, rng)
    keys = list(TYPES)
    rng.shuffle(keys)
    # Each part deals the types round-robin from its own position, so every type lands in
    # both parts; a unit never gets the same type twice.
    turn = {"tuning": 0, "heldout": len(keys) // 2}
    needs = []
    for unit in world.units:
        dealt: set[str] = set()
        for _ in range(NEEDS_PER_UNIT):
            key = f"N{len(needs) + 1:03d}"
            part = split_of(key)
            while keys[turn[part] % len(keys)] in dealt:
                turn[part] += 1
            tk = keys[turn[part] % len(keys)]
            turn[part] += 1
            dealt.add(tk)
            counties = world.counties.get(unit.code)
            region = (rng.choice(counties).code if counties and rng.random() < 0.8
                      else unit.code)
            money = _money(rng, 10, 300)
            title, desc = writer.need_text(tk, region, part, money)
            needs.append({"key": key, "split": part, "title": title, "description": desc,
                          "sector_code": TYPES[tk].sector, "region_code": region,
                          "money": money, "type": tk})
    for need in needs:
        writer.around(need)
    for _ in range(BACKGROUND):
        tk, part = rng.choice(keys), rng.choice(("tuning", "heldout"))
        unit = rng.choice(world.units).code
        targets = [] if rng.random() < 0.5 else [unit]
        writer.add_offer(tk, "background", part, rng.choice(world.provinces).code, targets,
                         _money(rng, 20, 600))
    for offer in writer.offers:
        offer["sectors"] = list(dict.fromkeys(offer["sectors"]))
    by_type = defaultdict(list)
    for offer in writer.offers:
        by_type[offer["type"]].append(offer)
    for need in needs:
        graded = ((o["key"], grade(world, need, o)) for o in by_type[need["type"]])
        need["good"] = " ".join(f"{k}:{g}" for k, g in graded if g > 0)
    return needs, writer.offers, world


def write(needs: list[dict], offers: list[dict], folder: Path = HERE) -> None:
    with (folder / "needs.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["key", "split", "title", "description", "sector_code", "region_code",
                      "budget_wan", "type", "good"])
        for n in needs:
            out.writerow([n["key"], n["split"], n["title"], n["description"], n["sector_code"],
                          n["region_code"], n["money"], n["type"], n["good"]])
    with (folder / "offers.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["key", "split", "title", "description", "sector_codes",
                      "target_region_codes", "org_region_code", "remaining_wan", "type", "kind",
                      "org_status", "for_need"])
        for o in offers:
            out.writerow([o["key"], o["split"], o["title"], o["description"],
                          "、".join(o["sectors"]), "、".join(o["targets"]),
                          o["org_region_code"], o["money"], o["type"], o["kind"],
                          o["org_status"], o["for_need"]])


if __name__ == "__main__":
    needs, offers, _ = build()
    write(needs, offers)
    print(f"{len(needs)} needs, {len(offers)} offers written to {HERE}")
