"""The webhooks' outbox: a dossier's change of status written as one delivery per subscriber,
in the projection's own transaction (the status and its events are kept together or not at
all). The relay (support/webhook_relay.py) posts them; the workflow never waits on a portal."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Table, insert, select

from models.projection import DossierChange
from models.tables import WebhookDeliveryRecord, WebhookSubscriberRecord
from models.webhooks import STATUS_CHANGED, DossierStatusChanged, WebhookEvent

SUBSCRIBERS: Table = WebhookSubscriberRecord.__table__  # type: ignore[attr-defined]
DELIVERIES: Table = WebhookDeliveryRecord.__table__  # type: ignore[attr-defined]
_ACTIVE: Any = select(SUBSCRIBERS.c.name, SUBSCRIBERS.c.events, SUBSCRIBERS.c.agencies).where(
    SUBSCRIBERS.c.active.is_(True)
)
_INSERT = insert(DELIVERIES)


def following(db: Connection, agency: str, event_type: str) -> list[str]:
    """The active subscribers that want `event_type` for the agency's dossiers."""
    rows: list[Any] = list(db.execute(_ACTIVE))
    return [
        name
        for name, events, agencies in rows
        if event_type in events and (agencies is None or agency in agencies)
    ]


def record_status_change(
    db: Connection, change: DossierChange, stored: Row[Any] | None, now: datetime
) -> int:
    """Queues a `dossier.status_changed` event for each subscriber when the change moves the
    dossier's status (or opens its row); the number of deliveries queued."""
    previous = stored._mapping["status"] if stored is not None else None
    if previous == change.row.status:
        return 0
    facts: Any = stored._mapping if stored is not None else change.opening.model_dump()  # type: ignore[union-attr]
    subscribers = following(db, facts["agency"], STATUS_CHANGED)
    if not subscribers:
        return 0
    event = WebhookEvent(
        type=STATUS_CHANGED,
        timestamp=now,
        data=DossierStatusChanged(
            code=change.code,
            procedure=facts["procedure_code"],
            procedure_version=facts["procedure_version"],
            agency=facts["agency"],
            status=change.row.status,
            previous_status=previous,
            due_date=change.row.due_date,
            changed_at=changed_at(change, now),
        ),
    )
    message = {
        "message_id": f"msg_{uuid.uuid4().hex}",
        "dossier_code": change.code,
        "event_type": STATUS_CHANGED,
        "body": event.model_dump_json(),
        "occurred_at": event.data.changed_at,
        "created_at": now,
        "next_attempt_at": now,
        "attempts": 0,
        "replay": False,
    }
    db.execute(_INSERT, [{**message, "subscriber": name} for name in subscribers])
    return len(subscribers)


def changed_at(change: DossierChange, now: datetime) -> datetime:
    """When the workflow made the change: its newest record entry or action, else now."""
    times = [entry.at for entry in change.record] + [action.at for action in change.actions]
    return max(times, default=now)
