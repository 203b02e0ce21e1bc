"""A booking's reminder as it crosses the workflow boundary: the booking's code and slot, and
when to remind (the working day before the slot, resolved on the calendar outside the workflow).
Nothing personal: the activity reads the name and the address from the database."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class BookingReminder(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    slot_start: datetime
    remind_at: datetime
