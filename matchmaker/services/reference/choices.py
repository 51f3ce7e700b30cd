"""Region choices for forms and filters, in tree order: province › prefecture › county,
and 新疆生产建设兵团 › 第一师 … 第十四师 as its own tree (not under 新疆).

Every option carries ``data-level`` (0 province / 兵团, 1 prefecture / 师, 2 county) and
``data-short`` (the name alone) so the searchable picker (static/js/pickers.js) can indent
the list and keep each chip short; without JavaScript the native select shows the same
labels, a county as "拉萨市 › 城关区".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ...extensions import db
from ...models import Organisation, Pairing
from ...models.regions import RECIPIENT_PROVINCES
from .regions import RegionIndex

#: GB/T 2260 grouping node of 新疆's directly administered county-level cities (the 兵团
#: 师市合一 cities): not a place anyone picks; its cities sit directly under 新疆.
GROUPING_NODES = {"659000": "650000"}
_FULL_WIDTH = str.maketrans({"(": "（", ")": "）"})

Choice = tuple[str, str, dict[str, str]]


def region_name(name: str) -> str:
    """A region's name as shown: brackets full width, 第十一师(建工师) → 第十一师（建工师）."""
    return name.translate(_FULL_WIDTH)


@dataclass(frozen=True)
class Node:
    code: str
    name: str  # display name
    level: int  # depth below its root
    path: str  # "拉萨市 › 城关区" for counties, the name otherwise
    kind: str  # the region's level: province, prefecture, county, bingtuan, division

    def choice(self, label: str | None = None) -> Choice:
        return (self.code, label or self.path, {"data-level": str(self.level),
                                                 "data-short": self.name})


def recipient_tree(index: RegionIndex | None = None, root: str | None = None) -> list[Node]:
    """Recipient regions depth first (children in code order) under ``root``, or under
    西藏, 新疆 and 兵团 in that order when ``root`` is None."""
    index = index or RegionIndex()
    children: dict[str, list[str]] = {}
    for region in sorted(index.regions.values(), key=lambda r: r.code):
        if region.code in RECIPIENT_PROVINCES or region.code in GROUPING_NODES:
            continue
        if region.province_code not in RECIPIENT_PROVINCES or not region.parent_code:
            continue
        parent = GROUPING_NODES.get(region.parent_code, region.parent_code)
        children.setdefault(parent, []).append(region.code)

    out: list[Node] = []

    def walk(code: str, level: int, parent_name: str | None) -> None:
        region = index.regions[code]
        name = region_name(region.name)
        path = f"{parent_name} › {name}" if level >= 2 and parent_name else name
        out.append(Node(code, name, level, path, region.level))
        for child in children.get(code, []):
            walk(child, level + 1, name)

    if root is None:
        for code in RECIPIENT_PROVINCES:
            if code in index.regions:
                walk(code, 0, None)
    elif root in index.regions:
        parent = _parent(index, root)
        walk(root, _depth(index, root),
             region_name(index.regions[parent].name) if parent in index.regions else None)
    return out


def _parent(index: RegionIndex, code: str) -> str | None:
    if code in RECIPIENT_PROVINCES:
        return None
    parent = index.regions[code].parent_code
    return GROUPING_NODES.get(parent, parent) if parent else None


def _depth(index: RegionIndex, code: str) -> int:
    depth, node = 0, _parent(index, code)
    while node is not None and node in index.regions:
        depth, node = depth + 1, _parent(index, node)
    return depth


def offer_target_choices(org: Organisation,
                         index: RegionIndex | None = None) -> dict[str, list[Choice]]:
    """An offer's target regions: the supporter's official 对口支援 partners first
    (recommended), then 西藏, 新疆 and 兵团, each as its tree."""
    tree = recipient_tree(index)
    paired = set(db.session.scalars(
        select(Pairing.recipient_region_code).where(
            Pairing.supporter_region_code == org.region_code, Pairing.active.is_(True))
    )) if org.region_code else set()
    groups: dict[str, list[Choice]] = {}
    if paired:
        groups["对口支援地区（推荐）"] = [n.choice() for n in tree if n.code in paired]
    current = ""
    for node in tree:
        if node.level == 0:
            current = node.name
            groups[current] = []
        if node.code not in paired:
            groups[current].append(node.choice())
    return groups


def region_filter_choices(index: RegionIndex | None = None) -> list[Choice]:
    """Filter choices: every recipient province / 兵团 and its prefectures / 师, indented."""
    blank: Choice = ("", "全部地区", {})
    return [blank] + [n.choice(("　" * n.level) + n.name)
                      for n in recipient_tree(index) if n.kind != "county"]


def choices_below(ancestor: str | None, index: RegionIndex | None = None) -> list[Choice]:
    """``ancestor`` and the regions below it in tree order (a recipient's own regions)."""
    if not ancestor:
        return []
    return [n.choice() for n in recipient_tree(index, root=ancestor)]
