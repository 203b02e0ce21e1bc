"""Resolving the working-day calendar (ngày làm việc) outside workflows.

Public holidays come from the `holidays` package (Labour Code 2019 Art. 112 and the substitutions it
knows); an operator-maintained file adds the government's later announcements: extra days off
(compensatory days) and weekend days worked in exchange. The result is plain data that a workflow
takes as input, so a replay never sees a different calendar.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import holidays
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from config import Settings
from models.calendar import VIETNAM, Holiday, WorkingCalendar
from support.errors import CatalogueError, describe_errors, read_yaml_mapping

CALENDAR_FILE = "calendar.yaml"
YEARS_AHEAD = 2
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
Name = Annotated[str, Field(min_length=1, max_length=200)]


class DayOff(BaseModel):
    """A day off the government announced on top of the Labour Code's holidays."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day: date
    name: Name


class WorkedWeekendDay(BaseModel):
    """A Saturday or Sunday worked in exchange for a day off (làm bù)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day: date
    name: Name | None = None


class CalendarChanges(BaseModel):
    """The operator's calendar file: `days_off` and `working_days` (swapped weekend days)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days_off: list[DayOff] = Field(default_factory=list)
    working_days: list[WorkedWeekendDay] = Field(default_factory=list)


def load_calendar_changes(path: Path) -> CalendarChanges:
    """Reads and validates an operator calendar file; CatalogueError naming the file and field."""
    data = read_yaml_mapping(path)
    try:
        changes = CalendarChanges.model_validate(data)
    except ValidationError as exc:
        items = {"days_off": "day off", "working_days": "working day"}
        raise CatalogueError(describe_errors(str(path), exc, data, items)) from None
    problems = []
    off = {entry.day for entry in changes.days_off}
    for position, entry in enumerate(changes.working_days):
        where = f"{path}: working day #{position + 1}, field 'day'"
        if entry.day.weekday() < 5:
            weekday = WEEKDAYS[entry.day.weekday()]
            problems.append(
                f"{where}: {entry.day.isoformat()} is a {weekday}; only a Saturday or a Sunday "
                "can be swapped into a working day"
            )
        if entry.day in off:
            problems.append(f"{where}: {entry.day.isoformat()} is also listed in days_off")
    if problems:
        raise CatalogueError(problems)
    return changes


def resolve_calendar(first_year: int, last_year: int, extra: Path | None = None) -> WorkingCalendar:
    """The non-working days of `first_year`..`last_year`, named in Vietnamese."""
    if first_year > last_year:
        raise ValueError(f"first year {first_year} is after last year {last_year}")
    years = range(first_year, last_year + 1)
    public = holidays.country_holidays("VN", years=years, language="vi")
    named: dict[date, str] = {day: name for day, name in public.items() if day.year in years}
    worked = {day for day in public.weekend_workdays if day.year in years}
    if extra is not None:
        changes = load_calendar_changes(extra)
        for entry in changes.days_off:
            if entry.day.year in years:
                named[entry.day] = entry.name
                worked.discard(entry.day)
        for swapped in changes.working_days:
            if swapped.day.year in years:
                worked.add(swapped.day)
                named.pop(swapped.day, None)
    return WorkingCalendar(
        first_year=first_year,
        last_year=last_year,
        holidays=[Holiday(day=day, name=named[day]) for day in sorted(named)],
        working_weekends=sorted(worked),
    )


def calendar_file(settings: Settings) -> Path | None:
    """The calendar file in force: the one last published through hoso (in the data folder,
    support/calendar_publications.py), else the one beside the procedures, when there is one."""
    for path in (settings.data_dir / CALENDAR_FILE, settings.procedures_dir / CALENDAR_FILE):
        if path.is_file():
            return path
    return None


def calendar_for(when: datetime, settings: Settings) -> WorkingCalendar:
    """The calendar from the year of `when` (Vietnam time) to two years after it."""
    year = when.astimezone(VIETNAM).year if when.tzinfo else when.year
    return resolve_calendar(year, year + YEARS_AHEAD, calendar_file(settings))
