"""The counters a one-stop unit (bộ phận một cửa) opens for appointments: opening hours by
weekday, the slot length, how many people each counter takes per slot, and the procedures each
counter receives. Slots are laid on the working calendar: none on a day off, and a weekend day
worked in exchange (làm bù) opens with the hours of the weekday it stands for (Monday's unless
the file names that weekend day's own hours)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from models.calendar import VIETNAM, WorkingCalendar
from models.procedure import Identifier, ProcedureCode, Text

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_COUNTERS = 50
MAX_PROCEDURES = 200


def _period(value: str) -> str:
    start, _, end = value.partition("-")
    try:
        opens, closes = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise ValueError("a period is written HH:MM-HH:MM, e.g. 07:30-11:30") from None
    if closes <= opens:
        raise ValueError(f"a period ends after it begins ({value})")
    return f"{opens:%H:%M}-{closes:%H:%M}"


Period = Annotated[str, Field(max_length=11), AfterValidator(_period)]


def period_times(period: str) -> tuple[time, time]:
    start, _, end = period.partition("-")
    return time.fromisoformat(start), time.fromisoformat(end)


class Counter(BaseModel):
    """One counter (quầy) of the unit: the people it takes per slot and what it receives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    name: Text
    places: int = Field(ge=1, le=20, description="people the counter takes in one slot")
    procedures: list[ProcedureCode] = Field(min_length=1, max_length=MAX_PROCEDURES)


class UnitCounters(BaseModel):
    """A one-stop unit's counters and hours, as its counters file publishes them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agency: Identifier
    unit: Identifier
    slot_minutes: int = Field(ge=5, le=240)
    hours: dict[str, list[Period]] = Field(description="weekday → opening periods")
    counters: list[Counter] = Field(min_length=1, max_length=MAX_COUNTERS)

    @model_validator(mode="after")
    def _known(self) -> UnitCounters:
        unknown = sorted(set(self.hours) - set(WEEKDAYS))
        if unknown:
            raise ValueError(f"hours: {', '.join(unknown)} is no weekday ({', '.join(WEEKDAYS)})")
        ids = [counter.id for counter in self.counters]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"counters: counter id {', '.join(twice)} is given twice")
        return self

    def receives(self, procedure: str) -> list[Counter]:
        return [counter for counter in self.counters if procedure in counter.procedures]

    def periods_on(self, day: date, calendar: WorkingCalendar) -> list[tuple[time, time]]:
        """The unit's opening periods on `day`: none on a day off."""
        if not calendar.is_working_day(day):
            return []
        weekday = WEEKDAYS[day.weekday()]
        if weekday not in self.hours and day.weekday() >= 5:
            weekday = "monday"  # a weekend day worked in exchange: a Monday's hours
        return [period_times(p) for p in self.hours.get(weekday, [])]

    def slot_starts(self, day: date, calendar: WorkingCalendar) -> list[datetime]:
        """Every slot's start on `day` (Vietnam time): each period cut into whole slots."""
        length = timedelta(minutes=self.slot_minutes)
        starts = []
        for opens, closes in self.periods_on(day, calendar):
            start = datetime.combine(day, opens, VIETNAM)
            end = datetime.combine(day, closes, VIETNAM)
            while start + length <= end:
                starts.append(start)
                start += length
        return starts


class CountersFile(BaseModel):
    """What a counters file holds (`counters: [...]`, one entry per one-stop unit)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    counters: list[UnitCounters] = Field(min_length=1, max_length=500)
