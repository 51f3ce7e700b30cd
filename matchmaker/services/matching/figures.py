"""The rules a completion's figures obey: the completion date lies between the
confirmation date and today (Beijing time), the delivered money between 0 and the match's
amount. Pure checks, shared by the report, the coordinator's correction and the pages."""

from __future__ import annotations

from datetime import date

from ...models import Match
from ..errors import DomainError
from ..localtime import beijing_date, beijing_now
from ..money import wan_text


def beijing_today() -> date:
    """Today's date in Beijing."""
    return beijing_now().date()


def confirmation_date(match: Match) -> date:
    """The day (Beijing time) the coordinator confirmed the match."""
    return beijing_date(match.created_at)


def check_figures(match: Match, completed_on: date, delivered_yuan: int) -> None:
    """Refuse (422 with ``fields``) a completion date outside [confirmation date, today]
    or delivered money outside [0, amount]."""
    fields: dict[str, list[str]] = {}
    first, today = confirmation_date(match), beijing_today()
    if completed_on > today:
        fields["completed_on"] = [f"完成日期不能晚于今天（{today.isoformat()}）。"]
    elif completed_on < first:
        fields["completed_on"] = [f"完成日期不能早于对接确认日期（{first.isoformat()}）。"]
    if delivered_yuan < 0:
        fields["delivered_yuan"] = ["实际到位资金不能为负。"]
    elif delivered_yuan > match.amount_yuan:
        fields["delivered_yuan"] = [
            f"实际到位资金不能超过对接金额 {wan_text(match.amount_yuan)} 万元；"
            "如确需增加，请协调员先调整对接金额。"]
    if fields:
        raise DomainError.from_fields(fields)
