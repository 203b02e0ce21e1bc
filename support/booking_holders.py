"""How many future bookings one identity number holds, counted so that requests at once cannot
exceed the limit together: each booking's transaction first locks the person's row of
`booking_holder` (an UPDATE: a row lock on PostgreSQL, the database's write lock on SQLite), then
counts, then adds its booking and commits; a second request of the same person waits for the
first and counts its booking."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from models.tables import BookingHolderRecord, BookingRecord
from support.intake import Sessions

FUTURE = ("booked", "checked_in")


def ensure_holder(sessions: Sessions, id_number: str) -> None:
    """The person's lock row exists (created by whichever request comes first)."""
    with sessions() as session:
        if session.get(BookingHolderRecord, id_number) is not None:
            return
        session.add(BookingHolderRecord(id_number=id_number))
        try:
            session.commit()
        except IntegrityError:  # another request of the same person created it meanwhile
            session.rollback()


def held(session: Session, id_number: str, now: datetime) -> int:
    """The person's future bookings, counted after their row is locked for this transaction
    (the first statement of it: on SQLite the write lock comes before any read)."""
    session.execute(
        update(BookingHolderRecord)
        .where(col(BookingHolderRecord.id_number) == id_number)
        .values(locked_at=now)
    )
    query = select(func.count()).where(
        BookingRecord.id_number == id_number,
        col(BookingRecord.status).in_(FUTURE),
        col(BookingRecord.slot_start) > now,
    )
    return int(session.exec(query).one())
