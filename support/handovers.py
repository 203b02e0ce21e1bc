"""The hand-overs of a dossier's result (trả kết quả) that its history and record hold, and how
the delivery rows pair with them: one reading shared by `hoso verify`, which names what differs,
and `hoso rebuild`, which writes the rows back.

A delivery row is written by `deliver_result` before the activity completes, under the key the
workflow gave it; its `handed_at` is the server's time the attempt started, so it lies between
the activity's scheduling and completion as the history holds them (without the history, no
later than the record's hand-over entry); `SKEW` allows for rows written before, on the worker's
clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from models.activity_interfaces import DELIVER_RESULT
from models.effects import ResultDelivery
from models.record import RecordEntry
from models.tables import DeliveryRecord
from support.dossier_events import ActivityCompleted, ActivityScheduled, DossierEvent

# How far a worker's clock may be from the server's (rows written on it; NTP keeps it closer).
SKEW = timedelta(minutes=5)
DELIVERY_FIELDS = ("channel", "form_sha256", "tracking")


@dataclass(frozen=True)
class Handover:
    """A result handed to its channel. `key` is the row's key (None when only the record tells
    of it: the history is gone, or it was an earlier run's); `earliest`..`latest` is when."""

    key: str | None
    channel: str
    form_sha256: str
    tracking: str | None
    latest: datetime
    earliest: datetime | None = None

    def values(self) -> tuple[str, str, str | None]:
        return (self.channel, self.form_sha256, self.tracking)

    def handed_in_time(self, handed_at: datetime) -> bool:
        at = handed_at if handed_at.tzinfo else handed_at.replace(tzinfo=UTC)
        after = self.earliest is None or at >= self.earliest - SKEW
        return after and at <= self.latest + SKEW

    def changed(self, row: DeliveryRecord) -> list[str]:
        """The row's columns that differ from this hand-over."""
        changed = [name for name in DELIVERY_FIELDS if getattr(row, name) != getattr(self, name)]
        return changed + ([] if self.handed_in_time(row.handed_at) else ["handed_at"])

    def row(self, code: str, kept: DeliveryRecord | None) -> dict[str, Any]:
        """The row to write back: a `kept` row's key and time when they hold."""
        handed_at = kept.handed_at if kept and self.handed_in_time(kept.handed_at) else None
        return {
            "key": self.key or (kept.key if kept else f"{code}:handover:{self.form_sha256[:16]}"),
            "dossier_code": code,
            "channel": self.channel,
            "form_sha256": self.form_sha256,
            "tracking": self.tracking,
            "handed_at": handed_at or self.latest,
        }


@dataclass
class HistoryHandovers:
    """The hand-overs a history tells of, gathered as its events are read (`see`)."""

    done: list[Handover] = field(default_factory=list)
    pending: set[str] = field(default_factory=set)  # keys handed over, not yet completed

    def see(self, event: DossierEvent) -> None:
        if isinstance(event, ActivityScheduled) and event.name == DELIVER_RESULT.name:
            if isinstance(event.input, ResultDelivery):
                self.pending.add(event.input.key)
        elif isinstance(event, ActivityCompleted) and event.receipt is not None:
            scheduled = event.scheduled
            if scheduled is None or not isinstance(scheduled.input, ResultDelivery):
                return
            asked, receipt = scheduled.input, event.receipt
            self.pending.discard(asked.key)
            self.done.append(
                Handover(
                    asked.key,
                    receipt.channel.value,
                    asked.form_sha256,
                    receipt.tracking,
                    event.at,
                    scheduled.at,
                )
            )


def recorded_handovers(
    record: Sequence[RecordEntry], history: Sequence[Handover] = ()
) -> list[Handover]:
    """The hand-overs the history tells of, and those only the record holds."""
    told = [handover.values() for handover in history]
    found = list(history)
    for entry in record:
        if entry.kind != "handover":
            continue
        subject = entry.subject
        values = (str(subject.get("channel")), str(subject.get("sha256")), subject.get("tracking"))
        if values in told:
            told.remove(values)
            continue
        tracking = values[2] if isinstance(values[2], str) else None
        found.append(Handover(None, values[0], values[1], tracking, entry.at))
    return found


def _same_values(row: DeliveryRecord, handover: Handover) -> bool:
    return (row.channel, row.form_sha256, row.tracking) == handover.values()


def _same_channel(row: DeliveryRecord, handover: Handover) -> bool:
    return row.channel == handover.channel


@dataclass
class Pairing:
    """Delivery rows paired with the hand-overs they show; rows no hand-over explains
    (`planted`), hand-overs without a row (`missing`)."""

    pairs: list[tuple[DeliveryRecord, Handover]] = field(default_factory=list)
    planted: list[DeliveryRecord] = field(default_factory=list)
    missing: list[Handover] = field(default_factory=list)


def pair_rows(
    rows: Sequence[DeliveryRecord], handovers: Sequence[Handover], pending: set[str]
) -> Pairing:
    """By key first; a keyless hand-over (record only) by its values, else by its channel. A
    row of a hand-over still under way (`pending`) is left alone."""
    by_key = {h.key: h for h in handovers if h.key is not None}
    keyless = [h for h in handovers if h.key is None]
    found = Pairing()
    loose = []
    for row in rows:
        if row.key in by_key:
            found.pairs.append((row, by_key.pop(row.key)))
        elif row.key not in pending:
            loose.append(row)
    for matches in (_same_values, _same_channel):
        for row in list(loose):
            handover = next((h for h in keyless if matches(row, h)), None)
            if handover is not None:
                keyless.remove(handover)
                loose.remove(row)
                found.pairs.append((row, handover))
    found.planted = loose
    found.missing = [*by_key.values(), *keyless]
    return found
