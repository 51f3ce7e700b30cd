"""Bounded parsing of numbers typed into URLs and forms.

Every query or form argument that becomes a number goes through here, so that junk
(``"abc"``, ``"²"``, ``"1e999999"``) and numbers too large for the database (PostgreSQL's
INTEGER ends at 2^31 - 1; OFFSET at 2^63) become ``None`` or a default instead of a 500.
Only ASCII digits count: ``str.isdigit()`` also accepts ``"²"``, which ``int()`` refuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

#: Largest row id (INTEGER primary keys on PostgreSQL); larger ids name nothing.
MAX_ID = 2**31 - 1
#: Largest page number any list answers; later pages are empty anyway, and
#: page × per_page stays far inside a 64-bit OFFSET.
MAX_PAGE = 100_000

_DIGITS = re.compile(r"[0-9]{1,30}")
_DECIMAL = re.compile(r"([0-9]{1,30})(?:\.([0-9]{0,30}))?")


def is_number(text: str | None) -> bool:
    """Whether ``text`` (spaces around ignored) is a run of ASCII digits."""
    return bool(_DIGITS.fullmatch((text or "").strip()))


def bounded_int(text: str | None, lo: int, hi: int, default: int | None = None) -> int | None:
    """``text`` as an int if it is ASCII digits (spaces around ignored) within ``lo..hi``;
    ``default`` otherwise (absent, junk, negative, too many digits, out of range)."""
    text = (text or "").strip()
    if not _DIGITS.fullmatch(text):
        return default
    value = int(text)
    return value if lo <= value <= hi else default


def bounded_decimal(text: str | None, lo: Decimal, hi: Decimal,
                    places: int = 4) -> Decimal | None:
    """``text`` as a Decimal if it is plain ASCII ``digits[.digits]`` (no sign, exponent,
    NaN or Infinity) with at most ``places`` decimals within ``lo..hi``; ``None`` otherwise."""
    match = _DECIMAL.fullmatch((text or "").strip())
    if not match or len(match.group(2) or "") > places:
        return None
    value = Decimal(match.group(0))
    return value if lo <= value <= hi else None


def bounded_id(text: str | None) -> int | None:
    """A row id (1..MAX_ID), or ``None``."""
    return bounded_int(text, 1, MAX_ID)


def page_args(args: Mapping, per_page: int = 20, max_per_page: int = 100) -> dict[str, int]:
    """``page`` and ``per_page`` from query arguments, ready for ``db.paginate(**...)``:
    junk gives page 1 / the default size; pages past ``MAX_PAGE`` are ``MAX_PAGE`` (empty);
    sizes are clamped to ``1..max_per_page``."""
    page = bounded_int(args.get("page"), 1, 10**30, default=1)
    size = bounded_int(args.get("per_page"), 1, 10**30, default=per_page)
    return {"page": min(page, MAX_PAGE), "per_page": min(size, max_per_page)}
