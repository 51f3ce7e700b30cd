"""A schematic tile map of 新疆, 西藏 prefectures and 兵团 divisions (server-side SVG data).

Each prefecture is one tile placed roughly where it lies (north-west = 新疆, south = 西藏);
兵团 divisions sit in their own panel. Positions are ours, not survey data: a schematic.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import Region
from ..reference.choices import region_name

#: (column, row) of each prefecture tile.
POSITIONS = {
    "654300": (5, 0), "652700": (2, 1), "654200": (3, 1), "650200": (4, 1), "652300": (6, 1),
    "654000": (2, 2), "659000": (4, 2), "650100": (5, 2), "650400": (6, 2), "650500": (7, 2),
    "653000": (1, 3), "652900": (3, 3), "652800": (5, 3), "653100": (1, 4), "653200": (3, 4),
    "542500": (1, 6), "540600": (4, 6), "540300": (6, 6), "540200": (3, 7), "540100": (4, 7),
    "540400": (6, 7), "540500": (5, 8),
}
TILE_W, TILE_H, GAP = 92, 58, 6
BINGTUAN_COL = 9  # first column of the 兵团 panel
#: Light to dark: no gap, then four steps of the largest gap.
COLOURS = ["#e9ecef", "#fde2c4", "#f8ad75", "#e4663a", "#a8281b"]
SHORT = ("哈萨克自治州", "柯尔克孜自治州", "蒙古自治州", "回族自治州", "自治区直辖县级行政区划",
         "（建工师）", "地区", "市")


def short_name(name: str) -> str:
    for suffix in SHORT:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] if suffix != "自治区直辖县级行政区划" else "直辖县市"
    return "直辖县市" if name.startswith("自治区直辖") else name


def colour(gap: int, top: int) -> tuple[str, str]:
    """Fill and text colour for ``gap`` on a scale up to ``top``."""
    if gap <= 0 or top <= 0:
        return COLOURS[0], "#212529"
    step = min(4, 1 + int(4 * gap / (top + 1)))
    return COLOURS[step], "#ffffff" if step >= 3 else "#212529"


def tiles(gaps: dict[str, int]) -> dict[str, Any]:
    """Tiles (x, y, size, names, gap, colours) and the SVG size for ``gaps`` by code."""
    regions = db.session.execute(
        select(Region.code, Region.name, Region.province_code)
        .where(Region.level.in_(("prefecture", "division")),
               Region.province_code.in_(("540000", "650000", "XJBT00")))
        .order_by(Region.code)).all()
    top = max(gaps.values(), default=0)
    out, division = [], 0
    for code, name, province in regions:
        if province == "XJBT00":
            col, row = BINGTUAN_COL + division % 3, 1 + division // 3
            division += 1
        elif code in POSITIONS:
            col, row = POSITIONS[code]
        else:
            continue
        fill, ink = colour(gaps.get(code, 0), top)
        name = region_name(name)
        out.append({"code": code, "name": name, "short": short_name(name),
                    "x": col * (TILE_W + GAP), "y": 24 + row * (TILE_H + GAP),
                    "gap": gaps.get(code, 0), "fill": fill, "ink": ink})
    width = (BINGTUAN_COL + 3) * (TILE_W + GAP)
    height = 24 + 9 * (TILE_H + GAP)
    legend = [{"fill": c, "x": 10 + i * 70} for i, c in enumerate(COLOURS)]
    return {"tiles": out, "w": TILE_W, "h": TILE_H, "width": width, "height": height,
            "top": top, "legend": legend,
            "labels": [("新疆", TILE_W + GAP, 16), ("西藏", TILE_W + GAP, 24 + 6 * (TILE_H + GAP)
                                                    - 8),
                       ("兵团各师", BINGTUAN_COL * (TILE_W + GAP), 24 + TILE_H - 8)]}
