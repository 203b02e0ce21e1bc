"""The appointments' report: per one-stop unit and procedure over a period of slots, the bookings
made, cancelled, checked in, missed (no-shows) and started as dossiers, and the waiting time at
the counter (from check-in to the start of the dossier). For the operators and the agency's
leaders, as the other reports; no personal data."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from statistics import median

from pydantic import BaseModel, Field
from sqlmodel import col, select

from models.calendar import VIETNAM
from models.tables import BookingRecord
from operations.access import Caller
from operations.reports import check_period, covered_agency
from operations.services import Services


class AppointmentFigures(BaseModel):
    agency: str
    unit: str
    procedure: str
    bookings: int = Field(description="bookings of slots in the period, cancelled ones included")
    cancelled: int
    checked_in: int = Field(
        description="citizens who came (checked in, their dossier started or not)"
    )
    no_shows: int
    started: int = Field(description="dossiers started from a booking")
    no_show_rate: float | None = Field(description="no-shows over bookings not cancelled, 0–1")
    average_wait_minutes: float | None = Field(description="check-in to the dossier's start")
    median_wait_minutes: float | None


class AppointmentReport(BaseModel):
    start: date
    end: date
    agency: str | None
    groups: list[AppointmentFigures]


def _figures(key: tuple[str, str, str], rows: list[BookingRecord]) -> AppointmentFigures:
    count = {status: sum(1 for r in rows if r.status == status) for status in
             ("cancelled", "checked_in", "no_show", "started")}  # fmt: skip
    waits = [
        (r.closed_at - r.checked_in_at).total_seconds() / 60
        for r in rows
        if r.status == "started" and r.checked_in_at and r.closed_at
    ]
    kept = len(rows) - count["cancelled"]
    return AppointmentFigures(
        agency=key[0],
        unit=key[1],
        procedure=key[2],
        bookings=len(rows),
        cancelled=count["cancelled"],
        checked_in=count["checked_in"] + count["started"],
        no_shows=count["no_show"],
        started=count["started"],
        no_show_rate=round(count["no_show"] / kept, 4) if kept else None,
        average_wait_minutes=round(sum(waits) / len(waits), 1) if waits else None,
        median_wait_minutes=round(median(waits), 1) if waits else None,
    )


def appointment_report(
    services: Services, caller: Caller, start: date, end: date, agency: str | None
) -> AppointmentReport:
    """The figures of the slots from `start` to `end` (included), per unit and procedure."""
    check_period(start, end)
    covered = covered_agency(caller, services, agency)
    first = datetime.combine(start, datetime.min.time(), VIETNAM)
    last = datetime.combine(end + timedelta(days=1), datetime.min.time(), VIETNAM)
    query = select(BookingRecord).where(
        col(BookingRecord.slot_start) >= first, col(BookingRecord.slot_start) < last
    )
    if covered is not None:
        query = query.where(BookingRecord.agency == covered)
    groups: dict[tuple[str, str, str], list[BookingRecord]] = {}
    with services.sessions() as session:
        for record in session.exec(query):
            key = (record.agency, record.unit, record.procedure_code)
            groups.setdefault(key, []).append(record)
    return AppointmentReport(
        start=start,
        end=end,
        agency=covered,
        groups=[_figures(key, groups[key]) for key in sorted(groups)],
    )


def report_csv(report: AppointmentReport) -> str:
    out = io.StringIO()
    names = list(AppointmentFigures.model_fields)
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for group in report.groups:
        writer.writerow({k: "" if v is None else v for k, v in group.model_dump().items()})
    return out.getvalue()
