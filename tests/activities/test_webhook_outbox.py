"""A dossier's change of status is queued for each portal following its agency, in the
projection's own transaction: once however often it is written, never for an older state
arriving late or for a rebuild, and never with the applicant in it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import col, select

from activities.database import SessionFactory
from activities.storage import ProjectionActivities, as_change, record_change
from models.dossier import DossierStatus
from models.tables import WebhookDeliveryRecord, WebhookSubscriberRecord
from tests.activities.conftest import APPLICANT, dossier_state, projection


def subscriber(
    name: str, agencies: list[str] | None, *, active: bool = True
) -> WebhookSubscriberRecord:
    return WebhookSubscriberRecord(
        name=name,
        url=f"https://{name}.example/h",
        secret="sealed:x",
        events=["dossier.status_changed"],
        agencies=agencies,
        created_by="ops.operator",
        created_at=datetime.now(UTC),
        active=active,
    )


def queued(sessions: SessionFactory) -> list[tuple[str, dict]]:
    with sessions() as session:
        rows = session.exec(select(WebhookDeliveryRecord).order_by(col(WebhookDeliveryRecord.id)))
        return [(row.subscriber, json.loads(row.body)) for row in rows]


async def test_each_change_of_status_is_queued_once_for_the_agencys_portals(
    sessions: SessionFactory,
) -> None:
    with sessions() as session:
        session.add(subscriber("tinh", None))
        session.add(subscriber("tnmt", ["so-tnmt"]))
        session.add(subscriber("xa", ["ubnd-xa"]))
        session.add(subscriber("old", ["so-tnmt"], active=False))
        session.commit()
    activities = ProjectionActivities(sessions)
    await activities.record_dossier(projection(dossier_state(actions=1)))
    await activities.record_dossier(projection(dossier_state(actions=1)))  # a repeat
    first = queued(sessions)
    assert sorted(name for name, _ in first) == ["tinh", "tnmt"]
    event = first[0][1]
    assert event["type"] == "dossier.status_changed"
    assert event["data"]["status"] == "in_review" and event["data"]["previous_status"] is None
    assert APPLICANT.name not in json.dumps(first) and APPLICANT.id_number not in json.dumps(first)

    waiting = dossier_state(actions=2).model_copy(
        update={"status": DossierStatus.awaiting_supplement}
    )
    await activities.record_dossier(projection(waiting))
    await activities.record_dossier(projection(dossier_state(actions=1)))  # late, older
    moved = queued(sessions)[len(first) :]
    assert [(e["data"]["previous_status"], e["data"]["status"]) for _, e in moved] == [
        ("in_review", "awaiting_supplement")
    ] * 2

    rebuilt = dossier_state(actions=3).model_copy(update={"status": DossierStatus.in_review})
    record_change(sessions, as_change(projection(rebuilt)), repair=True)
    assert len(queued(sessions)) == len(first) + len(moved)  # a rebuild tells portals nothing
