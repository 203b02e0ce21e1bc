"""The updates a running dossier accepts, written once: each update's name, its input model and
the kind of record entry it leaves. The workflow's signature check, its record, the CLI and the
history's readers all derive what they need from `UPDATES`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from pydantic import BaseModel

from models.actions import (
    CalendarChange,
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    RetryRequest,
    Supplement,
    Withdrawal,
)
from models.payment import PaymentConfirmation, PaymentOpening
from models.record import EntryKind

__all__ = [
    "ENTRY_KINDS",
    "PAYMENT_UPDATES",
    "UPDATES",
    "UPDATE_INPUTS",
    "UPDATE_OF",
    "DossierUpdate",
    "QueuedInput",
    "UpdateInput",
]

# The inputs the workflow queues and applies one at a time, in order (`retry` is applied at once).
QueuedInput = (
    OfficerAction | Supplement | Withdrawal | Cancellation | DeliveryConfirmation | CalendarChange
)
# Every update's input: each one is signed by the officer who sent or received it.
UpdateInput = QueuedInput | RetryRequest


@dataclass(frozen=True)
class DossierUpdate:
    """One update: the name it is sent and signed under, its input, and its record entry."""

    name: str
    input: type[UpdateInput]
    entry: EntryKind


UPDATES = (
    DossierUpdate("act", OfficerAction, "action"),
    DossierUpdate("supplement", Supplement, "supplement"),
    DossierUpdate("withdraw", Withdrawal, "withdrawal"),
    DossierUpdate("cancel", Cancellation, "cancellation"),
    DossierUpdate("confirm_delivery", DeliveryConfirmation, "delivery"),
    DossierUpdate("change_calendar", CalendarChange, "calendar"),
    DossierUpdate("retry", RetryRequest, "retry"),
)
# A type checker reads a union only as written: the import fails if the two ever disagree.
if {update.input for update in UPDATES} != set(get_args(UpdateInput)):
    raise TypeError("models.updates: UPDATES and UpdateInput name different input models")

UPDATE_INPUTS: dict[str, type[UpdateInput]] = {update.name: update.input for update in UPDATES}
UPDATE_OF: dict[type[BaseModel], DossierUpdate] = {update.input: update for update in UPDATES}
# The record entries a signed update leaves (each must match an update in the history).
ENTRY_KINDS: frozenset[EntryKind] = frozenset(update.entry for update in UPDATES)

# The updates hoso's API sends for the payment gateway, signed by no officer: the API believed
# the gateway's own signature (HMAC) first, and the workflow's validators check the attempt.
PAYMENT_UPDATES: dict[str, type[BaseModel]] = {
    "open_payment": PaymentOpening,
    "pay": PaymentConfirmation,
}
