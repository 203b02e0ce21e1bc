"""Working days as the law counts them (ngày làm việc), from a calendar resolved outside workflows.

The calendar is plain data (non-working dates with names, plus swapped working days), so the
workflow can compute deadlines deterministically: a replay always sees the calendar it started with.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

VIETNAM = timezone(timedelta(hours=7), "ICT")
RECEIPT_CUTOFF = time(15, 0)
OFFICE_CLOSE = time(17, 0)


class CalendarRangeError(ValueError):
    """A date outside the years the calendar was resolved for."""


class Holiday(BaseModel):
    model_config = ConfigDict(frozen=True)

    day: date
    name: str


class WorkingCalendar(BaseModel):
    """Non-working days of the years `first_year`..`last_year`; weekends are non-working too."""

    model_config = ConfigDict(frozen=True)

    first_year: int
    last_year: int
    holidays: list[Holiday] = Field(default_factory=list)
    working_weekends: list[date] = Field(
        default_factory=list, description="Saturdays or Sundays worked to bridge a holiday"
    )

    @cached_property
    def holiday_days(self) -> frozenset[date]:
        return frozenset(h.day for h in self.holidays)

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> WorkingCalendar:
        """A copy whose cached days off are counted again (a copy keeps the original's cache)."""
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("holiday_days", None)
        return copied

    def covers(self, day: date) -> bool:
        return self.first_year <= day.year <= self.last_year

    def is_working_day(self, day: date) -> bool:
        """Weekends and holidays are not; past the resolved years only weekends are known."""
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holiday_days

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start`; `start` itself does not count."""
        day = start
        for _ in range(days):
            day = self.next_working_day(day)
        return day

    def receipt_day(self, received_at: datetime) -> date:
        """When a dossier counts as received: after 15:00 or on a day off, the next working day."""
        local = received_at.astimezone(VIETNAM)
        day = local.date()
        if self.is_working_day(day) and local.time() <= RECEIPT_CUTOFF:
            return day
        return self.next_working_day(day)

    def due_date(self, received_at: datetime, days: int) -> date:
        """The appointment date printed on the receipt (phiếu hẹn trả kết quả)."""
        return self.add_working_days(self.receipt_day(received_at), days)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def working_days_left(self, received_at: datetime, today: date, due: date) -> int:
        """Working days left until `due` on `today`. The clock starts on the receipt day, so a
        dossier received on a day off or after 15:00 has all its days left until then."""
        return self.working_days_between(max(today, self.receipt_day(received_at)), due)


def close_of_day(day: date) -> datetime:
    """The end of office hours on `day`, in UTC."""
    return datetime.combine(day, OFFICE_CLOSE, VIETNAM).astimezone(UTC)
