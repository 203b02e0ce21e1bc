"""Slots of a procedure's counters and the places they hold: what a citizen may book, and the
one place a booking takes. A place is taken by inserting the booking; the unique (counter, slot,
place) of the booking table refuses a second one, so capacity holds whatever the number of
requests at once (no count-then-insert)."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.calendar import VIETNAM, WorkingCalendar
from models.counters import Counter, UnitCounters
from models.procedure import Procedure
from models.tables import BookingRecord
from support.catalogue import latest_procedure
from support.counters import reception_unit, unit_counters
from support.errors import CatalogueError
from support.intake import Sessions

HOLDING = ("booked", "checked_in", "no_show", "started")


class NoCounter(LookupError):
    """The procedure is not received at any counter that takes appointments."""


@dataclass(frozen=True)
class ProcedureCounters:
    procedure: Procedure
    unit: UnitCounters
    counters: list[Counter]


def counters_for(sessions: Sessions, code: str) -> ProcedureCounters:
    """The counters of the procedure's one-stop unit that receive it."""
    with sessions() as session:
        try:
            procedure = latest_procedure(session, code)
        except CatalogueError:
            raise NoCounter(f"no procedure {code} takes appointments") from None
        unit = unit_counters(session, procedure.agency, reception_unit(procedure))
    counters = unit.receives(code) if unit is not None else []
    if unit is None or not counters:
        raise NoCounter(f"procedure {code} takes no appointments at its counters")
    return ProcedureCounters(procedure, unit, counters)


def taken(
    session: Session, unit: UnitCounters, start: datetime, end: datetime
) -> Tally[tuple[str, datetime]]:
    """Places taken per (counter, slot start) between `start` and `end`."""
    query = select(BookingRecord.counter, BookingRecord.slot_start).where(
        BookingRecord.agency == unit.agency,
        BookingRecord.unit == unit.unit,
        col(BookingRecord.place).is_not(None),
        col(BookingRecord.slot_start) >= start,
        col(BookingRecord.slot_start) < end,
    )
    return Tally((counter, at) for counter, at in session.exec(query))


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    places: int
    free: int


def open_slots(
    sessions: Sessions,
    found: ProcedureCounters,
    calendar: WorkingCalendar,
    first: date,
    days: int,
    now: datetime,
) -> list[Slot]:
    """The slots of `days` days from `first` that begin after `now`, with their free places."""
    unit, length = found.unit, timedelta(minutes=found.unit.slot_minutes)
    starts = [
        start
        for n in range(days)
        if calendar.covers(first + timedelta(days=n))
        for start in unit.slot_starts(first + timedelta(days=n), calendar)
        if start > now
    ]
    if not starts:
        return []
    with sessions() as session:
        tally = taken(session, unit, starts[0], starts[-1] + length)
    slots = []
    for start in starts:
        places = sum(counter.places for counter in found.counters)
        used = sum(tally[(counter.id, start)] for counter in found.counters)
        slots.append(Slot(start, start + length, places, max(0, places - used)))
    return slots


def is_slot(found: ProcedureCounters, calendar: WorkingCalendar, start: datetime) -> bool:
    day = start.astimezone(VIETNAM).date()
    return calendar.covers(day) and start in found.unit.slot_starts(day, calendar)


def take_place(
    sessions: Sessions, found: ProcedureCounters, place_at: Callable[[Session, str, int], None]
) -> tuple[str, int] | None:
    """The first free (counter, place) of a slot at one of the procedure's counters, where
    `place_at(session, counter, place)` put the booking; None when every place is taken. The
    write is the check: a place another request took first fails on the unique constraint, and
    the next place is tried."""
    for counter in found.counters:
        for place in range(1, counter.places + 1):
            with sessions() as session:
                place_at(session, counter.id, place)
                try:
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    continue
            return counter.id, place
    return None
