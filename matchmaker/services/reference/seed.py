"""Reference data shipped under ``matchmaker/data/``: regions, sectors, pairings and the
concept lexicon (``concepts.csv``).

Seeding inserts what is missing and never overwrites rows that exist, so corrections
admins made (a pairing verified, a source added) survive a second run.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from ...extensions import db
from ...models import Concept, ConceptTerm, Pairing, Region, Sector
from .regions import RegionIndex

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
_LEVEL_ORDER = {"province": 0, "bingtuan": 1, "prefecture": 2, "division": 3, "county": 4}
_RECIPIENT_ROOTS = {"西藏": "540000", "新疆": "650000", "新疆生产建设兵团": "XJBT00"}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _region_rows(rows: Iterable[dict[str, str]]) -> list[dict]:
    parsed = {}
    for row in rows:
        code = row["code"]
        unverified = code.endswith("?") or row["notes"].startswith("?")
        code = code.rstrip("?")
        parsed[code] = {
            "code": code,
            "name": row["name"],
            "level": row["level"],
            "parent_code": row["parent_code"] or None,
            "notes": row["notes"],
            "source": row["source"],
            "verified": not unverified,
        }
    for item in parsed.values():
        node = item
        while node["level"] not in ("province", "bingtuan") and node["parent_code"] in parsed:
            node = parsed[node["parent_code"]]
        item["province_code"] = node["code"]
    return sorted(parsed.values(), key=lambda r: (_LEVEL_ORDER[r["level"]], r["code"]))


def seed_regions(path: Path | None = None) -> int:
    rows = _region_rows(read_csv(path or DATA_DIR / "regions.csv"))
    existing = set(db.session.scalars(select(Region.code)))
    new = [r for r in rows if r["code"] not in existing]
    for row in new:  # parents come first: rows are sorted by level
        db.session.add(Region(**row))
        db.session.flush()
    return len(new)


def seed_sectors(path: Path | None = None) -> int:
    rows = read_csv(path or DATA_DIR / "sectors.csv")
    existing = set(db.session.scalars(select(Sector.code)))
    count = 0
    for order, row in enumerate(sorted(rows, key=lambda r: len(r["code"]))):
        if row["code"] in existing:
            continue
        db.session.add(
            Sector(
                code=row["code"],
                name=row["name"],
                parent_code=row["parent_code"] or None,
                description=row["description"],
                sort_order=order,
            )
        )
        count += 1
    db.session.flush()
    return count


def resolve_pairing(row: dict[str, str], index: RegionIndex) -> str | None:
    """The recipient region code a pairings.csv row names, or None when it cannot say."""
    root = _RECIPIENT_ROOTS.get(row["recipient_region"])
    if root is None:
        return None
    if not row["recipient_prefecture"]:
        return root
    prefecture = index.child(root, row["recipient_prefecture"])
    if prefecture is None:
        return None
    county = row["recipient_county"]
    if county and root != "XJBT00":  # 兵团 团场 are not regions: the division stands for them
        return index.child(prefecture, county)
    return prefecture


def seed_pairings(path: Path | None = None) -> tuple[int, list[str]]:
    """Insert missing pairings; return the count and the rows that could not be resolved."""
    index = RegionIndex()
    existing = {
        (p.supporter_name, p.recipient_region_code) for p in db.session.scalars(select(Pairing))
    }
    count, skipped = 0, []
    for line, row in enumerate(read_csv(path or DATA_DIR / "pairings.csv"), start=2):
        supporter = row["supporter_province"]
        recipient = resolve_pairing(row, index)
        if supporter in ("", "(none)") or recipient is None:
            skipped.append(f"第 {line} 行：{supporter} → {row['recipient_prefecture']}"
                           f"{row['recipient_county']}")
            continue
        key = (supporter, recipient)
        if key in existing:
            continue
        existing.add(key)
        notes = row["notes"]
        db.session.add(
            Pairing(
                supporter_name=supporter,
                supporter_region_code=index.provinces.get(supporter),
                recipient_region_code=recipient,
                source_url=row["source_url"],
                notes=notes,
                verified=bool(row["source_url"]) and "?" not in notes,
                active="HISTORICAL" not in notes,
            )
        )
        count += 1
    db.session.flush()
    return count, skipped


def seed_concepts(path: Path | None = None) -> int:
    """Concepts and their synonyms from ``concepts.csv`` (columns concept_id, sector_code,
    canonical, synonyms separated by ``;``). Missing concepts (by ``concept_id``) and
    missing terms are added; what admins renamed, moved or disabled stays as it is, and a
    term some concept already uses is not added twice. Returns the concepts inserted."""
    rows = read_csv(path or DATA_DIR / "concepts.csv")
    concepts = {c.key: c for c in db.session.scalars(select(Concept))}
    names = {c.name.lower() for c in concepts.values()}
    used = {t.lower() for t in db.session.scalars(select(ConceptTerm.term))}
    sectors = set(db.session.scalars(select(Sector.code)))
    count = 0
    for row in rows:
        concept = concepts.get(row["concept_id"])
        if concept is None:
            if row["canonical"].lower() in names:
                continue
            concept = Concept(key=row["concept_id"], name=row["canonical"], notes="",
                              sector_code=row["sector_code"] if row["sector_code"] in sectors
                              else None, active=True)
            db.session.add(concept)
            concepts[concept.key] = concept
            names.add(concept.name.lower())
            count += 1
        for term in (t.strip() for t in row["synonyms"].split(";")):
            if term and term.lower() not in used and term.lower() != concept.name.lower():
                concept.terms.append(ConceptTerm(term=term, active=True))
                used.add(term.lower())
    db.session.flush()
    return count


def seed_all() -> dict[str, int | list[str]]:
    """Seed regions, sectors, pairings and concepts; return what was inserted."""
    regions = seed_regions()
    sectors = seed_sectors()
    pairings, skipped = seed_pairings()
    concepts = seed_concepts()
    return {"regions": regions, "sectors": sectors, "pairings": pairings, "skipped": skipped,
            "concepts": concepts}
