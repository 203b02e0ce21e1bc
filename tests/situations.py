"""Situations on the working calendar, found from the time-skipping server's clock.

A test that needs a Friday at 15:01, weeks without a holiday or a dossier open across Tết asks for
the next such moment after the server's current time, moves the server there (`skip_to`) and
derives its expected dates from the situation, so it passes on whatever day it runs.

`HOSO_TEST_SITUATIONS_FROM` moves where the search starts, so CI can prove that: `+400d` starts it
400 days after the server's clock, `year-end` on the last working day of the year. The tests that
use situations are marked `situations`; CI runs them again under each setting.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from temporalio.testing import WorkflowEnvironment

from models.calendar import VIETNAM, WorkingCalendar
from support.calendars import resolve_calendar

FROM_SETTING = "HOSO_TEST_SITUATIONS_FROM"
MONDAY, FRIDAY = 0, 4
SEARCH_YEARS = 2  # how far past the start a situation is looked for
TET = "Tết Nguyên Đán"  # the `holidays` package's name for the first day of the lunar year


def weekdays_after(start: date, count: int, skipping: frozenset[date] = frozenset()) -> date:
    """The date `count` weekdays (Monday to Friday) after `start`, not counting the dates in
    `skipping`: plain weekday arithmetic, independent of the calendar under test."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in skipping:
            count -= 1
    return day


def is_tet(name: str) -> bool:
    """A day off of the lunar new year ("29 Tết", "Giao thừa Tết Nguyên Đán", "Mùng hai …"),
    not New Year's Day ("Tết Dương lịch")."""
    return "Tết" in name and "Dương lịch" not in name


@dataclass(frozen=True)
class TetSituation:
    """A dossier received shortly before Tết: `received_at`, the Monday of the week before the
    one Tết begins in; `days_off`, Tết's named days off."""

    received_at: datetime
    days_off: frozenset[date]


@dataclass(frozen=True)
class Situations:
    """Moments after `origin` (Vietnam time) on `calendar`, which covers every one found and the
    years a dossier received then stays open."""

    origin: datetime
    calendar: WorkingCalendar

    @classmethod
    def after(cls, now: datetime, setting: str | None = None) -> Situations:
        """The situations after `now`, or after the start `setting` names (`+<N>d`, `year-end`;
        by default HOSO_TEST_SITUATIONS_FROM)."""
        setting = os.environ.get(FROM_SETTING, "") if setting is None else setting
        now = now.astimezone(VIETNAM)
        calendar = _calendar(now.year)
        if not setting:
            return cls(now, calendar)
        if ahead := re.fullmatch(r"\+(\d+)d", setting):
            later = now + timedelta(days=int(ahead[1]))
            return cls(later, _calendar(later.year))
        if setting == "year-end":
            day = _last_working_day(calendar, now.year)
            if day < now.date():
                calendar = _calendar(now.year + 1)
                day = _last_working_day(calendar, now.year + 1)
            return cls(max(now, datetime.combine(day, time(0), VIETNAM)), calendar)
        raise ValueError(f"{FROM_SETTING}={setting!r}: expected +<days>d (e.g. +400d) or year-end")

    def working_day(self, at: time = time(10)) -> datetime:
        """The next working day at `at`."""
        return next(m for m in self._moments(at) if self.calendar.is_working_day(m.date()))

    def plain_stretch(self, weeks: int, weekday: int = MONDAY, at: time = time(10)) -> datetime:
        """`at` on the next `weekday` that begins `weeks` plain weeks: no holiday and no weekend
        day worked, so its working days are exactly its weekdays."""
        for moment in self._moments(at):
            if moment.weekday() == weekday and self._plain(moment.date(), weeks * 7):
                return moment
        raise LookupError(f"no {weeks} plain weeks within {SEARCH_YEARS} years of {self.origin}")

    def before_tet(self, open_for: int, at: time = time(9)) -> TetSituation:
        """A dossier received at `at` shortly before the next Tết, which stays open `open_for`
        working days across it with no other day off and no weekend day worked."""
        new_years = (h.day for h in self.calendar.holidays if h.name == TET)
        for new_year in sorted(d for d in new_years if d > self.origin.date()):
            days_off = frozenset(
                h.day
                for h in self.calendar.holidays
                if is_tet(h.name) and abs((h.day - new_year).days) <= 10
            )
            first = min(days_off)
            monday = first - timedelta(days=first.weekday() + 7)
            received = datetime.combine(monday, at, VIETNAM)
            due = weekdays_after(monday, open_for, days_off)
            if received > self.origin and self._plain(monday, (due - monday).days + 1, days_off):
                return TetSituation(received, days_off)
        raise LookupError(f"no Tết within {SEARCH_YEARS} years of {self.origin}")

    def _moments(self, at: time) -> Iterator[datetime]:
        """`at` on every day from the origin to SEARCH_YEARS later, those after the origin."""
        day, last = self.origin.date(), date(self.origin.year + SEARCH_YEARS, 12, 31)
        while day <= last:
            moment = datetime.combine(day, at, VIETNAM)
            if moment > self.origin:
                yield moment
            day += timedelta(days=1)

    def _plain(self, start: date, days: int, off: frozenset[date] = frozenset()) -> bool:
        """Whether the `days` days from `start` hold no holiday but those in `off` and no weekend
        day worked: read from the calendar's data, not from the working-day rules under test."""
        worked = set(self.calendar.working_weekends)
        span = (start + timedelta(days=n) for n in range(days))
        return all(
            self.calendar.covers(d)
            and d not in worked
            and (d not in self.calendar.holiday_days or d in off)
            for d in span
        )


@cache
def _calendar(year: int) -> WorkingCalendar:
    """The year before `year` to a year past the search, so a dossier found late stays covered."""
    return resolve_calendar(year - 1, year + SEARCH_YEARS + 1)


def _last_working_day(calendar: WorkingCalendar, year: int) -> date:
    day = date(year, 12, 31)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


async def situations(env: WorkflowEnvironment) -> Situations:
    """The situations after the time-skipping server's current time."""
    return Situations.after(await env.get_current_time())


async def skip_to(env: WorkflowEnvironment, moment: datetime) -> None:
    """Moves the time-skipping server's clock forward to `moment`."""
    now = await env.get_current_time()
    assert moment > now, f"the test clock is already at {now}, past {moment}"
    await env.sleep(moment - now)
