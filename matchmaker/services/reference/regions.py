"""Resolving what people write for a region (names, short forms, codes) to a Region."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import Region
from ...models.regions import RECIPIENT_PROVINCES

_ETHNIC = "(?:回族|哈萨克|蒙古|柯尔克孜|塔吉克|锡伯|维吾尔|藏族|门巴族|珞巴族)"
_AUTONOMOUS_COUNTY = re.compile(rf"^(.+?){_ETHNIC}+自治县$")
_BINGTUAN_PREFIX = re.compile(r"^(新疆生产建设兵团|兵团)")
_PARENS = re.compile(r"[(（].*?[)）]")


@dataclass(frozen=True)
class Resolved:
    code: str | None
    error: str | None = None


class RegionIndex:
    """Name and code look-ups over the regions table, built once per request or import."""

    def __init__(self, regions: Iterable[Any] | None = None) -> None:
        """Over the regions table, or over ``regions`` (objects with code, name, level,
        parent_code and province_code: e.g. the parsed reference CSV)."""
        if regions is None:
            regions = db.session.scalars(select(Region))
        self.regions = {r.code: r for r in regions}
        self.provinces = {r.name: r.code for r in self.regions.values() if r.level == "province"}
        self.children: dict[str, dict[str, str]] = {}
        self.by_name: dict[str, set[str]] = {}
        self._suggested: dict[str, list[str]] = {}
        for region in self.regions.values():
            if region.parent_code:
                self.children.setdefault(region.parent_code, {})[region.name] = region.code
            if region.province_code not in RECIPIENT_PROVINCES:
                continue
            for alias in self._aliases(region):
                self.by_name.setdefault(alias, set()).add(region.code)

    @staticmethod
    def _aliases(region: Region) -> set[str]:
        names = {region.name, _PARENS.sub("", region.name)}
        match = _AUTONOMOUS_COUNTY.match(region.name)
        if match:
            names.add(match.group(1) + "县")  # 焉耆回族自治县 -> 焉耆县
        if region.level == "division":
            base = list(names)
            names |= {f"兵团{n}" for n in base} | {f"新疆生产建设兵团{n}" for n in base}
        return names

    def resolve(self, text: str) -> Resolved:
        """A code for ``text`` (a GB/T 2260 code, XJBTnn, or a recipient region's name)."""
        value = normalise_text(text)
        if not value:
            return Resolved(None, "受援地区必填。")
        if value.upper() in self.regions:
            return Resolved(value.upper())
        codes = self.by_name.get(value) or self.by_name.get(_PARENS.sub("", value))
        if not codes and _BINGTUAN_PREFIX.match(value):
            codes = self.by_name.get(_BINGTUAN_PREFIX.sub("", value))
        if not codes:
            options = "、".join(f"{self.regions[c].name}（{c}）" for c in self.suggest(value))
            if options:
                return Resolved(None, f"未知地区：“{value}”。您是否要填：{options}？")
            return Resolved(None, f"未知地区：“{value}”。请填写西藏、新疆或兵团的地区名称或代码。")
        if len(codes) > 1:
            options = "、".join(f"{self.regions[c].name}（{c}）" for c in sorted(codes))
            return Resolved(None, f"地区名称“{value}”不唯一，请改填代码：{options}。")
        return Resolved(next(iter(codes)))

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Codes of up to ``limit`` recipient regions whose names are closest to ``text``:
        names that contain it or that it contains ("仲巴" → 仲巴县), else similar spellings."""
        value = _PARENS.sub("", normalise_text(text))
        if len(value) < 2 or value.isascii():
            return []
        if value in self._suggested:
            return self._suggested[value]
        names = sorted(n for n, codes in self.by_name.items() if len(codes) == 1)
        close = sorted((n for n in names if value in n or (len(n) >= 2 and n in value)),
                       key=lambda n: (abs(len(n) - len(value)), n))
        close += difflib.get_close_matches(value, names, n=limit * 2, cutoff=0.6)
        found: list[str] = []
        for name in close:
            (code,) = self.by_name[name]
            if code not in found:
                found.append(code)
        self._suggested[value] = found[:limit]
        return found[:limit]

    def child(self, parent: str, name: str) -> str | None:
        """The code of ``parent``'s child called ``name`` ("第三师" finds "第三师(图木舒克市)")."""
        names = self.children.get(parent, {})
        if name in names:
            return names[name]
        short = _PARENS.sub("", name)
        matches = [code for n, code in names.items() if _PARENS.sub("", n) == short]
        return matches[0] if len(matches) == 1 else None

    def within(self, code: str, ancestor: str | None) -> bool:
        """Whether region ``code`` is ``ancestor`` or lies below it."""
        node = self.regions.get(code)
        while node is not None:
            if node.code == ancestor:
                return True
            node = self.regions.get(node.parent_code) if node.parent_code else None
        return False

    def recipient_regions(self) -> list[Region]:
        return sorted(
            (r for r in self.regions.values()
             if r.province_code in RECIPIENT_PROVINCES and r.level != "province"
             or r.code in RECIPIENT_PROVINCES),
            key=lambda r: r.code,
        )


def normalise_text(value: object) -> str:
    """Strip, and turn full-width ASCII (ＡＢＣ１２３，spaces) into half-width."""
    if value is None:
        return ""
    out = []
    for ch in str(value):
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            ch = chr(o - 0xFEE0)
        elif ch == "\u3000":
            ch = " "
        out.append(ch)
    return "".join(out).strip()
