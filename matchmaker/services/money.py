"""Money: integer yuan in code, storage and the API; 万元 in forms, pages and sheets.
Every conversion between the two lives here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .reference.regions import normalise_text

YUAN_PER_WAN = 10000
MAX_WAN = Decimal("1000000")  # 100 亿元: anything larger is a typing error


def parse_wan(value: Any) -> int:
    """'１２.５' / '1,200' / 12.5 万元 -> integer yuan. Raises ValueError with a Chinese text."""
    text = normalise_text(value).replace(",", "").replace("万元", "").replace("万", "").strip()
    if not text:
        raise ValueError("金额必填。")
    try:
        wan = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"金额“{normalise_text(value)}”不是数字（单位：万元）。") from None
    if not wan.is_finite():
        raise ValueError("金额不是有效数字。")
    if wan <= 0:
        raise ValueError("金额必须大于 0。")
    if wan > MAX_WAN:
        raise ValueError("金额过大，请确认单位为万元。")
    if wan != wan.quantize(Decimal("0.0001")):
        raise ValueError("金额最多保留 4 位小数（精确到元）。")
    return int(wan * YUAN_PER_WAN)


def filter_wan(value: Any) -> int | None:
    """A 万元 search bound (≥ 0, at most ``MAX_WAN``) as yuan; None for junk or blank."""
    try:
        wan = Decimal(normalise_text(value))
    except InvalidOperation:
        return None
    if not wan.is_finite() or wan < 0 or wan > MAX_WAN:
        return None
    return int(wan * YUAN_PER_WAN)


def wan(yuan: int) -> Decimal:
    """Exact 万元 for ``yuan``."""
    return Decimal(yuan) / YUAN_PER_WAN


def wan_text(yuan: int) -> str:
    """125000 -> '12.5' (万元, exact, no thousands separators: forms and messages)."""
    return format(wan(yuan).normalize(), "f")


def wan_display(yuan: int | None) -> str:
    """12500000 -> '1,250' (万元 with thousands separators: pages). Blank for None."""
    if yuan is None:
        return ""
    return f"{wan(yuan).quantize(Decimal('0.0001')).normalize():,f}"


def wan_number(yuan: int) -> int | float:
    """万元 as a number for a sheet cell (an int when whole)."""
    value = wan(yuan)
    return int(value) if value == value.to_integral_value() else float(value)
