"""Appointments at the counter, the officer's side: the day's queue of a one-stop unit, a
citizen checked in by the booking's code (or its QR code's content), a no-show marked, and the
dossier started from the booking. Only the reception officers of the booking's unit see its
personal data or act on it; to anyone else a booking answers 404."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import structlog
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select
from temporalio.client import Client

from models.calendar import VIETNAM
from models.dossier import ReceptionChannel
from models.officer import OfficerIdentity
from models.tables import BookingRecord
from operations.access import Caller, utc_now
from operations.appointments import QR_PREFIX, Booking, booking_view, unit_of
from operations.errors import Conflict, Forbidden, InvalidPeriod, NotFound
from operations.services import Services
from operations.submission import SubmissionReceipt, submit
from operations.uploads import UploadFolder
from support.errors import IntakeError
from support.intake import DossierFile

log = structlog.get_logger()
RECEPTION_ROLE = "reception_officer"


class QueueEntry(Booking):
    """A booking in the day's queue, with what the officer checks at the counter."""

    phone: str
    id_number: str
    checked_in_at: datetime | None = None


class Queue(BaseModel):
    agency: str
    unit: str
    day: date
    bookings: list[QueueEntry] = Field(description="by slot, then counter")


def _counter_officer(caller: Caller) -> OfficerIdentity:
    officer = caller.officer
    if officer.role != RECEPTION_ROLE:
        raise Forbidden("the counters' queue is for the reception officers of a one-stop unit")
    return officer


def _entry(session: Session, record: BookingRecord) -> QueueEntry:
    view = booking_view(record, unit_of(session, record))
    return QueueEntry(
        **view.model_dump(),
        phone=record.phone,
        id_number=record.id_number,
        checked_in_at=record.checked_in_at,
    )


def queue(services: Services, caller: Caller, day: date | None) -> Queue:
    """The bookings of the officer's unit on `day` (default today), cancelled ones left out."""
    officer = _counter_officer(caller)
    day = day or utc_now().astimezone(VIETNAM).date()
    if not 2000 <= day.year <= 2999:
        raise InvalidPeriod("day: a day between the years 2000 and 2999")
    start = datetime.combine(day, datetime.min.time(), VIETNAM)
    query = (
        select(BookingRecord)
        .where(
            BookingRecord.agency == officer.agency,
            BookingRecord.unit == officer.unit,
            BookingRecord.status != "cancelled",
            col(BookingRecord.slot_start) >= start,
            col(BookingRecord.slot_start) < start + timedelta(days=1),
        )
        .order_by(col(BookingRecord.slot_start), col(BookingRecord.counter))
    )
    with services.sessions() as session:
        entries = [_entry(session, record) for record in session.exec(query)]
    return Queue(agency=officer.agency, unit=officer.unit, day=day, bookings=entries)


def booking_code(given: str) -> str:
    """The code of a booking, typed or scanned from its QR code (`hoso:booking:<code>`)."""
    return given.strip().removeprefix(QR_PREFIX).strip().upper()


def _unit_booking(session: Session, caller: Caller, code: str) -> BookingRecord:
    officer = _counter_officer(caller)
    record = session.get(BookingRecord, booking_code(code))
    if record is None or (record.agency, record.unit) != (officer.agency, officer.unit):
        raise NotFound("no booking with this code at your unit")
    return record


def read(services: Services, caller: Caller, code: str) -> QueueEntry:
    with services.sessions() as session:
        return _entry(session, _unit_booking(session, caller, code))


def _refuse_unless(record: BookingRecord, status: str, doing: str) -> None:
    if record.status != status:
        now = record.status.replace("_", " ")
        raise Conflict(f"this booking is {now}: it cannot be {doing}")


def check_in(services: Services, caller: Caller, code: str) -> QueueEntry:
    """The citizen is at the counter, on the day of their slot."""
    now = utc_now()
    with services.sessions() as session:
        record = _unit_booking(session, caller, code)
        _refuse_unless(record, "booked", "checked in")
        if record.slot_start.astimezone(VIETNAM).date() != now.astimezone(VIETNAM).date():
            raise Conflict("this booking is for another day: check in on the day of its slot")
        record.status, record.checked_in_at, record.checked_in_by = (
            "checked_in",
            now,
            caller.officer.id,
        )
        session.add(record)
        session.commit()
        log.info("booking_checked_in", booking=record.code, officer=caller.officer.id)
        return _entry(session, record)


def no_show(services: Services, caller: Caller, code: str) -> QueueEntry:
    """The citizen did not come: once their slot has begun, the booking is closed as a no-show."""
    with services.sessions() as session:
        record = _unit_booking(session, caller, code)
        _refuse_unless(record, "booked", "marked a no-show")
        if record.slot_start > utc_now():
            raise Conflict("this booking's slot has not begun: it is no no-show yet")
        record.status, record.closed_at = "no_show", utc_now()
        session.add(record)
        session.commit()
        log.info("booking_no_show", booking=record.code, officer=caller.officer.id)
        return _entry(session, record)


def reference(code: str) -> str:
    """The dossier's reference that links it to its booking (one dossier per booking)."""
    return f"booking:{code}"


async def start_dossier(
    services: Services, client: Client, caller: Caller, code: str, dossier: DossierFile,
    uploads: UploadFolder,
) -> SubmissionReceipt:  # fmt: skip
    """The dossier of a checked-in booking, received at the counter by the calling officer and
    linked to the booking by its reference: the same procedure and the same applicant."""
    with services.sessions() as session:
        record = _unit_booking(session, caller, code)
    if record.status != "started":
        _refuse_unless(record, "checked_in", "started (check the citizen in first)")
    if dossier.procedure != record.procedure_code:
        raise IntakeError(
            f"dossier: procedure: the booking is for {record.procedure_code},"
            f" not {dossier.procedure}"
        )
    if dossier.applicant.id_number != record.id_number:
        raise IntakeError("dossier: applicant: id_number: it is not the booking's identity number")
    if dossier.reference not in (None, reference(record.code)):
        raise IntakeError("dossier: reference: a booking's dossier takes the booking's reference")
    receipt = await submit(
        services,
        client,
        dossier.model_copy(
            update={
                "reference": reference(record.code),
                "received_via": ReceptionChannel.counter,  # the citizen came to the counter
                "received_by": None,
            }
        ),
        uploads,
        receiver=caller.officer,
    )
    with services.sessions() as session:
        row = session.get(BookingRecord, record.code)
        assert row is not None
        if row.status == "checked_in":
            row.status, row.closed_at, row.dossier_code = "started", utc_now(), receipt.code
            session.add(row)
            session.commit()
    log.info("booking_dossier_started", booking=record.code, dossier=receipt.code)
    return receipt
