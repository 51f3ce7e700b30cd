"""Plain inputs of the scoring engine: reference data and column tables of needs and offers.

Nothing here knows about Flask or the database; ``services/matching/ranking.py``
fills these from rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

#: Factor names, in the order of every factor matrix and weight vector.
FACTORS: tuple[str, ...] = ("sector", "budget", "region", "text")
FACTOR_LABELS = {"sector": "领域", "budget": "资金", "region": "地区", "text": "内容"}
DEFAULT_WEIGHTS: dict[str, float] = {"sector": 0.35, "budget": 0.15, "region": 0.25, "text": 0.25}
#: Recipient "provinces": 西藏, 新疆 and 兵团 as its own unit.
RECIPIENT_PROVINCES = ("540000", "650000", "XJBT00")


@dataclass(frozen=True)
class RegionInfo:
    """One region: GB/T 2260 code (or 兵团 pseudo-code), level and place in the tree."""

    code: str
    name: str
    level: str  # province | prefecture | county | bingtuan | division
    parent_code: str | None
    province_code: str


@dataclass(frozen=True)
class SectorInfo:
    """One sector of the two-level taxonomy."""

    code: str
    name: str
    parent_code: str | None = None


@dataclass(frozen=True)
class PairingInfo:
    """An active official 对口支援 link: supporter province → recipient region."""

    supporter_name: str
    supporter_region_code: str | None
    recipient_region_code: str
    verified: bool = True


@dataclass
class Reference:
    """Regions, sectors and active pairings, as the scorer needs them."""

    regions: Sequence[RegionInfo]
    sectors: Sequence[SectorInfo]
    pairings: Sequence[PairingInfo] = ()

    def __post_init__(self) -> None:
        self.region_by_code = {r.code: r for r in self.regions}
        self.sector_by_code = {s.code: s for s in self.sectors}

    def prefecture_of(self, code: str) -> str | None:
        """The prefecture (or 兵团 division) a region lies in; itself for those levels."""
        region = self.region_by_code.get(code)
        if region is None:
            return None
        if region.level in ("prefecture", "division"):
            return code
        if region.level == "county":
            return region.parent_code
        return None

    def province_of(self, code: str | None) -> str | None:
        region = self.region_by_code.get(code) if code else None
        return region.province_code if region else None

    def region_name(self, code: str | None) -> str:
        region = self.region_by_code.get(code) if code else None
        return region.name if region else (code or "")

    def sector_name(self, code: str) -> str:
        sector = self.sector_by_code.get(code)
        return sector.name if sector else code


def _ids(values: Iterable[int] | None, n: int) -> np.ndarray:
    return np.arange(n, dtype=np.int64) if values is None else np.asarray(list(values), np.int64)


@dataclass
class NeedTable:
    """Needs as columns; ``uncommitted_yuan`` is budget minus committed money."""

    ids: np.ndarray
    titles: list[str]
    descriptions: list[str]
    sector_codes: list[str]
    region_codes: list[str]
    uncommitted_yuan: np.ndarray
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.titles)

    @classmethod
    def from_records(cls, records: Iterable[Mapping]) -> NeedTable:
        """Build from mappings with id, title, description, sector_code, region_code and
        uncommitted_yuan (or budget_yuan and committed_yuan)."""
        rows = list(records)
        return cls(
            ids=_ids((r.get("id", i) for i, r in enumerate(rows)), len(rows)),
            titles=[r.get("title") or "" for r in rows],
            descriptions=[r.get("description") or "" for r in rows],
            sector_codes=[r.get("sector_code") or "" for r in rows],
            region_codes=[r.get("region_code") or "" for r in rows],
            uncommitted_yuan=np.array([_money(r, "uncommitted_yuan") for r in rows], np.float64),
        )


@dataclass
class OfferTable:
    """Offers as columns; an empty ``target_region_codes`` entry means any recipient region."""

    ids: np.ndarray
    titles: list[str]
    descriptions: list[str]
    sector_codes: list[tuple[str, ...]]
    target_region_codes: list[tuple[str, ...]]
    org_region_codes: list[str | None]
    remaining_yuan: np.ndarray
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.titles)

    @classmethod
    def from_records(cls, records: Iterable[Mapping]) -> OfferTable:
        """Build from mappings with id, title, description, sector_codes, target_region_codes,
        org_region_code and remaining_yuan (or budget_yuan and committed_yuan)."""
        rows = list(records)
        return cls(
            ids=_ids((r.get("id", i) for i, r in enumerate(rows)), len(rows)),
            titles=[r.get("title") or "" for r in rows],
            descriptions=[r.get("description") or "" for r in rows],
            sector_codes=[tuple(r.get("sector_codes") or ()) for r in rows],
            target_region_codes=[tuple(r.get("target_region_codes") or ()) for r in rows],
            org_region_codes=[r.get("org_region_code") for r in rows],
            remaining_yuan=np.array([_money(r, "remaining_yuan") for r in rows], np.float64),
        )


def _money(row: Mapping, key: str) -> float:
    if row.get(key) is not None:
        return float(row[key])
    return float(row.get("budget_yuan", 0) or 0) - float(row.get("committed_yuan", 0) or 0)


def weight_vector(weights: Mapping[str, float] | None) -> np.ndarray:
    """Weights in ``FACTORS`` order, non-negative and summing to 1 (missing factors: 0)."""
    given = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(given) - set(FACTORS)
    if unknown:
        raise ValueError(f"unknown factors: {sorted(unknown)}")
    vector = np.array([float(given.get(f, 0.0)) for f in FACTORS])
    if (vector < 0).any() or vector.sum() <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    return vector / vector.sum()


@dataclass
class Ranking:
    """Ranked (need, offer) pairs: indices into the tables, best first within each need.

    ``factors`` has one column per name in ``FACTORS``; ``sector_level`` and ``region_level``
    say which rule gave the sector and region values, ``lexicon`` which concepts the text
    factor knew (both used for the reasons).
    """

    need_index: np.ndarray
    offer_index: np.ndarray
    score: np.ndarray
    factors: np.ndarray
    sector_level: np.ndarray
    region_level: np.ndarray
    #: The concept lexicon the scorer used (``ConceptLexicon``), for the reasons.
    lexicon: object = None
    #: Per offer of the scorer's table, the sector codes the sector factor read
    #: (``MatchScorer.offer_sector_codes_``), for the reasons; None: the codes as filed.
    offer_sector_codes: list | None = None
    #: Per need of the ranked table, the sector code the sector factor read
    #: (``MatchScorer.need_sector_codes``), for the reasons; None: the code as filed.
    need_sector_codes: list | None = None

    def __len__(self) -> int:
        return len(self.score)
