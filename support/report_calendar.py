"""Working days in SQL, for reports: a temporary table of working-day ordinals.

Each calendar day gets the number of working days from a fixed start up to and including it, so
the working days between two days are one subtraction after two indexed look-ups per dossier:
exact (holidays and swapped weekends included) and fast over 100,000 rows, on SQLite and
PostgreSQL alike. Vietnam keeps UTC+7 all year, so a local day is a fixed shift of the UTC
timestamps the projection stores.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    Table,
    case,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from models.calendar import WorkingCalendar

# A dossier received after 15:00 counts from the next day: shifting its local time by 9 hours
# (less a millisecond, SQLite's precision, so 15:00:00 itself stays on its day) moves exactly
# those to the next day.
RECEIPT_SHIFT_SECONDS = 7 * 3600 + 9 * 3600 - 0.001
LOCAL_SHIFT_SECONDS = 7 * 3600.0

_metadata = MetaData()
working_day = Table(
    "hoso_report_working_day",
    _metadata,
    Column("day", Date, primary_key=True),
    Column("ordinal", Integer, nullable=False),
    Column("working", Boolean, nullable=False),
    prefixes=["TEMPORARY"],
)


class shifted_date(FunctionElement[date]):
    """The date of a UTC timestamp shifted by a number of seconds (a constant)."""

    type = Date()
    inherit_cache = True
    name = "shifted_date"


@compiles(shifted_date, "sqlite")
def _shifted_date_sqlite(element: shifted_date, compiler: Any, **kw: Any) -> str:
    column, seconds = list(element.clauses)
    return f"date({compiler.process(column, **kw)}, '+{seconds.value:.6f} seconds')"


@compiles(shifted_date)
def _shifted_date_default(element: shifted_date, compiler: Any, **kw: Any) -> str:
    column, seconds = list(element.clauses)
    return (
        f"CAST({compiler.process(column, **kw)} + INTERVAL '{seconds.value:.6f} seconds' AS DATE)"
    )


def local_date(column: ColumnElement[Any]) -> shifted_date:
    """The Vietnam-time date of a UTC timestamp column."""
    return shifted_date(column, LOCAL_SHIFT_SECONDS)


def receipt_date(column: ColumnElement[Any]) -> shifted_date:
    """The local date, or the next one when received after the 15:00 cut-off."""
    return shifted_date(column, RECEIPT_SHIFT_SECONDS)


def fill_working_days(
    connection: Connection, calendar: WorkingCalendar, first: date, last: date
) -> None:
    """Creates (anew) the temporary ordinal table for the days `first`..`last`."""
    working_day.drop(connection, checkfirst=True)
    working_day.create(connection)
    rows, ordinal, day = [], 0, first
    while day <= last:
        works = calendar.is_working_day(day)
        ordinal += works
        rows.append({"day": day, "ordinal": ordinal, "working": works})
        day += timedelta(days=1)
    if rows:
        connection.execute(working_day.insert(), rows)


def drop_working_days(connection: Connection) -> None:
    working_day.drop(connection, checkfirst=True)


def receipt_ordinal(received: Table | Any) -> ColumnElement[int]:
    """The ordinal of the receipt day: a day off or a late hour moves it to the next working day."""
    return case(
        (received.c.working, received.c.ordinal),
        else_=received.c.ordinal + 1,
    )
