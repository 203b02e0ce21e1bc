"""Appointments at the counter (đặt lịch hẹn), the citizen's side: the open slots of a
procedure, a booking (a code and its QR code), and, with the code and the phone number given,
the booking shown, moved or cancelled. Name, phone and identity number are personal data: never
logged, never shown without the code and the phone."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import segno
import structlog
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from models.calendar import VIETNAM
from models.counters import UnitCounters
from models.dossier import CitizenId, Email, Name, Phone, phone_number
from models.procedure import ProcedureCode
from models.tables import BookingRecord
from operations.access import utc_now
from operations.errors import Conflict, NotFound
from operations.services import Services
from support.booking_holders import ensure_holder, held
from support.calendars import calendar_for
from support.counters import all_counters, unit_counters
from support.slots import (
    NoCounter,
    ProcedureCounters,
    counters_for,
    is_slot,
    open_slots,
    take_place,
)

log = structlog.get_logger()
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the counter
QR_PREFIX = "hoso:booking:"
BookingCode = str


class BookingRefused(ValueError):
    """A booking that cannot be made as asked: no such slot (a day off, outside the hours, past,
    too far ahead), or more future bookings than one person may hold. `reason` names which, for
    the pages' messages: past, too_far, no_slot, per_person."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class SlotFull(Conflict):
    """Every place of the slot is taken."""


class OpenSlot(BaseModel):
    start: datetime
    end: datetime
    free: int = Field(description="places still free at the counters receiving the procedure")


class SlotList(BaseModel):
    procedure: str
    agency: str
    unit: str
    slot_minutes: int
    slots: list[OpenSlot]


class BookingRequest(BaseModel):
    """What a citizen gives to book a slot (checked as intake checks an applicant)."""

    model_config = ConfigDict(extra="forbid")

    procedure: ProcedureCode
    start: datetime = Field(description="the slot's start, as the slot list gives it")
    name: Name
    phone: Phone
    id_number: CitizenId
    email: Email | None = Field(default=None, description="for the reminder the day before")


class BookingKey(BaseModel):
    """What proves a booking is one's own: its phone number (with the code in the path)."""

    model_config = ConfigDict(extra="forbid")

    phone: Phone


class BookingMove(BookingKey):
    start: datetime = Field(description="the new slot's start")


class Booking(BaseModel):
    """A booking as its holder (or the unit's officers) see it."""

    code: str
    status: str
    procedure: str
    agency: str
    unit: str
    counter: str
    counter_name: str = Field(default="", description="the counter as the unit names it")
    start: datetime
    end: datetime
    name: str
    qr: str = Field(description="what the QR code holds; the counter scans it to check in")
    dossier_code: str | None = None


class BookableProcedure(BaseModel):
    """A procedure that takes appointments, with the one-stop unit whose counters receive it."""

    procedure: str
    agency: str
    unit: str


def bookable(services: Services) -> list[BookableProcedure]:
    """Every procedure some counter receives, by code."""
    with services.sessions() as session:
        units = all_counters(session)
    found = {
        code: BookableProcedure(procedure=code, agency=unit.agency, unit=unit.unit)
        for unit in units
        for counter in unit.counters
        for code in counter.procedures
    }
    return [found[code] for code in sorted(found)]


def new_code() -> BookingCode:
    letters = "".join(secrets.choice(CODE_LETTERS) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def booking_view(record: BookingRecord, unit: UnitCounters | None) -> Booking:
    """The booking with its end and its counter's name as the unit publishes its counters now."""
    start = record.slot_start.astimezone(VIETNAM)
    minutes = unit.slot_minutes if unit is not None else 0
    names = {c.id: c.name for c in unit.counters} if unit is not None else {}
    return Booking(
        code=record.code,
        status=record.status,
        procedure=record.procedure_code,
        agency=record.agency,
        unit=record.unit,
        counter=record.counter,
        counter_name=names.get(record.counter, record.counter),
        start=start,
        end=start + timedelta(minutes=minutes),
        name=record.name,
        qr=QR_PREFIX + record.code,
        dossier_code=record.dossier_code,
    )


def _found(services: Services, procedure: str) -> ProcedureCounters:
    try:
        return counters_for(services.sessions, procedure)
    except NoCounter as exc:
        raise NotFound(str(exc)) from None


def slots(services: Services, procedure: str, first: date | None, days: int) -> SlotList:
    """The procedure's slots from `first` (default today) for `days` days, each with its free
    places; none on a day off, none past, none beyond the days a citizen may book ahead."""
    found = _found(services, procedure)
    now = utc_now()
    today = now.astimezone(VIETNAM).date()
    first = max(first or today, today)
    last = today + timedelta(days=services.settings.appointments_days_ahead)
    days = max(0, min(days, (last - first).days + 1))
    calendar = calendar_for(now, services.settings)
    found_slots = open_slots(services.sessions, found, calendar, first, days, now)
    return SlotList(
        procedure=procedure,
        agency=found.unit.agency,
        unit=found.unit.unit,
        slot_minutes=found.unit.slot_minutes,
        slots=[OpenSlot(start=s.start, end=s.end, free=s.free) for s in found_slots],
    )


def _bookable(services: Services, found: ProcedureCounters, start: datetime) -> datetime:
    """The slot's start in UTC, if a citizen may book it now."""
    now = utc_now()
    if start.tzinfo is None:
        start = start.replace(tzinfo=VIETNAM)
    calendar = calendar_for(now, services.settings)
    ahead = services.settings.appointments_days_ahead
    if start <= now:
        raise BookingRefused("start: this slot has begun or is past", reason="past")
    if start - now > timedelta(days=ahead + 1) or (
        start.astimezone(VIETNAM).date() > now.astimezone(VIETNAM).date() + timedelta(days=ahead)
    ):
        raise BookingRefused(
            f"start: slots are booked at most {ahead} days ahead", reason="too_far"
        )
    if not is_slot(found, calendar, start):
        raise BookingRefused(
            "start: no slot begins then (a day off, outside the counters' hours, or not at the"
            " start of a slot): choose one of the slot list",
            reason="no_slot",
        )
    return start.astimezone(VIETNAM)


def book(services: Services, request: BookingRequest) -> Booking:
    """One place of the slot at a counter receiving the procedure: SlotFull when none is left."""
    found = _found(services, request.procedure)
    start = _bookable(services, found, request.start)
    limit = services.settings.appointments_per_person
    ensure_holder(services.sessions, request.id_number)
    code = new_code()
    fields = request.model_dump(exclude={"procedure", "start"}) | {
        "code": code,
        "agency": found.unit.agency,
        "unit": found.unit.unit,
        "procedure_code": request.procedure,
        "slot_start": start,
        "status": "booked",
        "created_at": utc_now(),
    }

    def place_at(session: Session, counter: str, place: int) -> None:
        if held(session, request.id_number, utc_now()) >= limit:
            raise BookingRefused(
                f"id_number: this person holds {limit} future bookings already (the most one may"
                " hold): cancel one first",
                reason="per_person",
            )
        session.add(BookingRecord(**fields, counter=counter, place=place))

    if take_place(services.sessions, found, place_at) is None:
        raise SlotFull("every place of this slot is taken: choose another")
    log.info("booking_made", booking=code, procedure=request.procedure, unit=found.unit.unit)
    return read(services, code, request.phone)


def _own(session: Session, code: str, phone: str) -> BookingRecord:
    try:
        phone = phone_number(phone)
    except ValueError:
        phone = ""
    record = session.get(BookingRecord, code.strip().upper())
    if record is None or not secrets.compare_digest(record.phone, phone):
        raise NotFound("no booking with this code and phone number")
    return record


def unit_of(session: Session, record: BookingRecord) -> UnitCounters | None:
    """The booking's unit as its counters are published now."""
    return unit_counters(session, record.agency, record.unit)


def read(services: Services, code: str, phone: str) -> Booking:
    with services.sessions() as session:
        record = _own(session, code, phone)
        return booking_view(record, unit_of(session, record))


def qr_of(booking: Booking) -> str:
    """The booking's QR code (SVG) holding `hoso:booking:<code>`, as the counter scans it."""
    return str(segno.make(booking.qr, error="m").svg_inline(scale=6, title=booking.code))


def qr_svg(services: Services, code: str, phone: str) -> str:
    return qr_of(read(services, code, phone))


def cancel(services: Services, code: str, phone: str) -> Booking:
    """Cancels a booking not yet used; its place is free again at once."""
    with services.sessions() as session:
        record = _own(session, code, phone)
        if record.status != "booked":
            raise Conflict(f"this booking is {record.status.replace('_', ' ')}: it cannot change")
        record.status, record.place, record.closed_at = "cancelled", None, utc_now()
        session.add(record)
        session.commit()
    log.info("booking_cancelled", booking=record.code)
    return read(services, code, phone)


def move(services: Services, code: str, change: BookingMove) -> Booking:
    """Moves a booking to another slot: it keeps its old place until it has the new one."""
    with services.sessions() as session:
        record = _own(session, code, change.phone)
    if record.status != "booked":
        raise Conflict(f"this booking is {record.status.replace('_', ' ')}: it cannot change")
    found = _found(services, record.procedure_code)
    start = _bookable(services, found, change.start)

    def place_at(session: Session, counter: str, place: int) -> None:
        row = session.get(BookingRecord, record.code)
        if row is None or row.status != "booked":  # cancelled or used meanwhile
            raise Conflict("this booking changed meanwhile: it cannot move")
        row.slot_start, row.counter, row.place = start, counter, place
        session.add(row)

    if take_place(services.sessions, found, place_at) is None:
        raise SlotFull("every place of this slot is taken: choose another")
    log.info("booking_moved", booking=record.code)
    return read(services, code, change.phone)
