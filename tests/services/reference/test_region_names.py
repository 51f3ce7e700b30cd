"""Region names are stored as Chinese text writes them, so every page, sheet and e-mail
shows 第十一师（建工师）, not the half-width form the first seed carried."""

import csv

from matchmaker.services.reference.seed import DATA_DIR


def test_no_region_name_in_the_reference_data_has_half_width_brackets():
    with open(DATA_DIR / "regions.csv", encoding="utf-8") as fh:
        names = [row["name"] for row in csv.DictReader(fh)]
    assert "第十一师（建工师）" in names
    assert not [n for n in names if "(" in n or ")" in n]
