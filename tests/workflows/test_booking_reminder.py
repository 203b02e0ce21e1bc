"""BookingReminderWorkflow runs its reminder through the outbox once its time has come, and its
recorded history replays on the current code (a reminder sleeps for days: a change that breaks
its replay would break the reminders waiting then). Record anew with HOSO_RECORD_HISTORIES=1."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker, WorkflowRunner

from activities.bookings import BookingActivities
from activities.database import create_schema, make_engine, session_factory
from activities.notify import LogChannel, NotificationActivities
from models.booking import BookingReminder
from models.tables import BookingRecord, NotificationRecord
from tests.workflows.test_replay import RUNNERS
from worker import WORKFLOW_RUNNER
from workflows.booking_reminder import BookingReminderWorkflow

RECORDED = Path(__file__).resolve().parents[1] / "histories" / "booking-reminder" / "reminded.json"


async def test_a_due_reminder_is_sent_once_through_the_outbox(
    dev_env: WorkflowEnvironment, database_url: str
) -> None:
    engine = make_engine(database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    now = datetime.now(UTC).replace(microsecond=0)
    slot = now + timedelta(days=1)
    with sessions() as session:
        session.add(
            BookingRecord(
                code="TEST-CODE",
                agency="ubnd-xa",
                unit="one-stop",
                counter="quay-1",
                procedure_code="2.000635",
                slot_start=slot,
                place=1,
                status="booked",
                name="Nguyễn Văn An",
                phone="0912345678",
                id_number="001099012345",
                email="an@example.vn",
                created_at=now,
            )
        )
        session.commit()
    activities = BookingActivities(sessions, NotificationActivities(sessions, LogChannel()))
    queue = f"test-{uuid.uuid4()}"
    reminder = BookingReminder(code="TEST-CODE", slot_start=slot, remind_at=now)
    async with Worker(
        dev_env.client,
        task_queue=queue,
        workflows=[BookingReminderWorkflow],
        activities=[activities.remind_booking],
        workflow_runner=WORKFLOW_RUNNER,
    ):
        handle = await dev_env.client.start_workflow(
            BookingReminderWorkflow.run, reminder, id=f"reminder-{queue}", task_queue=queue
        )
        assert await handle.result() == "sent"
        if os.environ.get("HOSO_RECORD_HISTORIES") == "1":
            RECORDED.parent.mkdir(exist_ok=True)
            RECORDED.write_text((await handle.fetch_history()).to_json(), encoding="utf-8")
    with sessions() as session:
        (row,) = session.exec(select(NotificationRecord)).all()
    assert row.template == "booking_reminder" and row.recipient == "an@example.vn"
    assert row.sent_at is not None and "TEST-CODE" in row.subject
    engine.dispose()


@pytest.mark.filterwarnings("error::UserWarning")
@pytest.mark.parametrize("runner", RUNNERS.values(), ids=RUNNERS.keys())
async def test_the_recorded_reminder_replays_on_current_code(runner: WorkflowRunner) -> None:
    replayer = Replayer(
        workflows=[BookingReminderWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=runner,
    )
    history = WorkflowHistory.from_json("reminded", RECORDED.read_text(encoding="utf-8"))
    await replayer.replay_workflow(history)
