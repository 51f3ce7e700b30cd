"""Times are stored as naive UTC and shown in Beijing time (Asia/Shanghai) on pages,
sheets and e-mails; the API keeps RFC 3339 with an offset."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def to_beijing(value: datetime) -> datetime:
    """A stored time (naive means UTC) as an aware Beijing time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BEIJING)


def beijing_now() -> datetime:
    return datetime.now(BEIJING)


def beijing_date(value: datetime) -> date:
    return to_beijing(value).date()


def format_datetime(value: datetime | None, seconds: bool = False) -> str:
    """``YYYY-MM-DD HH:MM`` (or with seconds) in Beijing time; '' for None."""
    if value is None:
        return ""
    return to_beijing(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def format_date(value: datetime | date | None) -> str:
    """A date in Chinese form, 2026年11月30日; datetimes are taken in Beijing time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = beijing_date(value)
    return f"{value.year}年{value.month}月{value.day}日"
