"""A period typed in a page's form (dd/mm/yyyy, as Vietnamese write dates; the ISO form of a
date picker is taken too), checked field by field: each problem is said beside its field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from models.calendar import VIETNAM
from support.reports import period_problem

BAD_DATE = "Ngày không hợp lệ: hãy viết theo dạng dd/mm/yyyy, ví dụ 08/12/2026."
BACKWARDS = "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."
OUT_OF_RANGE = "Khoảng thời gian phải từ năm 2000, dài không quá 10 năm và không quá hết năm sau."


@dataclass
class Period:
    """The form's values as typed, the days they name, and a message per field that is wrong."""

    typed: dict[str, str]
    start: date | None = None
    end: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors and self.start is not None and self.end is not None


def parse_day(text: str) -> date | None:
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def read_period(start: str | None, end: str | None) -> Period:
    """The period of the form; by default the current month up to today (Vietnam's)."""
    today = datetime.now(VIETNAM).date()
    typed = {
        "from": start if start is not None else today.replace(day=1).strftime("%d/%m/%Y"),
        "to": end if end is not None else today.strftime("%d/%m/%Y"),
    }
    period = checked_days(typed)
    first, last = period.start, period.end
    if period.valid and first and last and period_problem(first, last, today):
        period.errors["from"] = OUT_OF_RANGE
    return period


def checked_days(typed: dict[str, str]) -> Period:
    """The days typed in `from` and `to`, each a day, the second not before the first."""
    period = Period(typed=typed, start=parse_day(typed["from"]), end=parse_day(typed["to"]))
    for name, day in (("from", period.start), ("to", period.end)):
        if day is None:
            period.errors[name] = BAD_DATE
    if period.start and period.end and not period.errors and period.end < period.start:
        period.errors["to"] = BACKWARDS
    return period
