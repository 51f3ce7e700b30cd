"""The shipped reference data (regions, sectors, pairings) as a scoring ``Reference``, read
from the CSV files without a database, through the same parsing the seeding uses."""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace

from matchmaker.scoring import PairingInfo, Reference, RegionInfo, SectorInfo
from matchmaker.services.reference import seed as seeding
from matchmaker.services.reference.regions import RegionIndex


@cache
def shipped_reference() -> Reference:
    rows = seeding._region_rows(seeding.read_csv(seeding.DATA_DIR / "regions.csv"))
    regions = [RegionInfo(r["code"], r["name"], r["level"], r["parent_code"], r["province_code"])
               for r in rows]
    sectors = [SectorInfo(r["code"], r["name"], r["parent_code"] or None)
               for r in seeding.read_csv(seeding.DATA_DIR / "sectors.csv")]
    index = RegionIndex([SimpleNamespace(**r) for r in rows])
    pairings, seen = [], set()
    for row in seeding.read_csv(seeding.DATA_DIR / "pairings.csv"):
        recipient = seeding.resolve_pairing(row, index)
        if recipient is None or "HISTORICAL" in row["notes"]:
            continue
        supporter = row["supporter_province"]
        if (supporter, recipient) in seen:
            continue
        seen.add((supporter, recipient))
        pairings.append(PairingInfo(supporter, index.provinces.get(supporter), recipient,
                                    bool(row["source_url"]) and "?" not in row["notes"]))
    return Reference(regions, sectors, pairings)
