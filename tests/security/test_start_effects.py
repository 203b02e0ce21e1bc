"""Issue 22, item 5: a start without any credential had effects (a dossier row, a notice to any
address and to the reception officer, the day's next code), and a flood of `refresh_trust`
signals from anyone made the dossier reload its trust anchors again and again."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel import select
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from models.calendar import VIETNAM
from models.dossier import Applicant
from models.tables import DossierCounter, DossierRecord, NotificationRecord
from support.catalogue import latest_procedure
from tests.support.test_intake import Intake
from tests.workflows.harness import assignee, procedure, running_worker, start, submission
from worker import build_worker
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def live(settings, tmp_path, dev_env: WorkflowEnvironment) -> Intake:  # type: ignore[no-untyped-def]
    intake = Intake(settings, tmp_path / "dossier")
    intake.settings = settings.model_copy(update={"task_queue": f"start-{uuid.uuid4()}"})
    return intake


async def test_a_start_without_credential_has_no_effect_and_uses_no_code(
    live: Intake, dev_env: WorkflowEnvironment
) -> None:
    """The attacker names a code of the day and any address: the run is refused, nothing is
    written or sent, no code is allocated, and intake's next dossier starts as ever."""
    today = datetime.now(UTC).astimezone(VIETNAM)
    code = f"so-tnmt-{today:%y%m%d}-{uuid.uuid4().int % 9000 + 1000:04d}"
    with live.sessions() as session:
        proc = latest_procedure(session, "9.000001")
    victim = Applicant(
        name="Người Lạ", id_number="001099012345", phone="0912345678", email="anyone@example.vn"
    )
    sub = submission("eia").model_copy(
        update={"code": code, "procedure": proc, "applicant": victim, "seal": None}
    )
    async with build_worker(dev_env.client, live.settings):
        handle = await dev_env.client.start_workflow(
            "DossierWorkflow", sub, id=code, task_queue=live.settings.task_queue
        )
        with pytest.raises(WorkflowFailureError):
            await handle.result()
        with live.sessions() as session:
            assert session.get(DossierRecord, code) is None
            assert session.exec(select(NotificationRecord)).all() == []
            assert session.exec(select(DossierCounter)).all() == []
        genuine = await live.submit(live.write(live.dossier()), dev_env.client)
        assert genuine.code != code  # a code named by a refused start is burned in Temporal only
        assert re.fullmatch(r"so-tnmt-\d{6}-\d{4}", genuine.code)
        await dev_env.client.get_workflow_handle(genuine.code).terminate("test finished")


def _count(events: list, kind: int) -> int:  # type: ignore[type-arg]
    return sum(1 for event in events if event.event_type == kind)


async def _events(handle: WorkflowHandle) -> list:  # type: ignore[type-arg]
    return list((await handle.fetch_history()).events)


async def test_a_flood_of_refresh_trust_signals_reloads_the_anchors_a_bounded_number_of_times(
    skip_env: WorkflowEnvironment, settings
) -> None:  # type: ignore[no-untyped-def]
    proc = procedure("extract")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, submission("extract"))
        state = await handle.query(DossierWorkflow.state)
        assert assignee(proc, proc.chain[0].id) is not None and state.code == handle.id
        await asyncio.sleep(1)
        before = await _events(handle)
        for _ in range(10):
            await asyncio.gather(
                *(handle.signal(DossierWorkflow.refresh_trust) for _ in range(100))
            )
        await asyncio.sleep(8)  # past the reload spacing: the pending reload has run
        after = (await _events(handle))[len(before) :]
    signals = _count(after, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
    reloads = _count(after, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    timers = _count(after, EventType.EVENT_TYPE_TIMER_STARTED)
    tasks = _count(after, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
    print(f"flood: {len(after)} events, {signals} signals, {tasks} tasks, {reloads} reloads")
    assert signals == 1000
    assert 1 <= reloads <= 3, reloads  # coalesced, at most one per spacing
    assert timers <= 3, timers
    # what the workflow itself adds (its tasks, timers, reloads), beyond the signals Temporal
    # records whatever the workflow does: bounded, not one reload per signal
    assert len(after) - signals - 3 * tasks <= 3 * (reloads + timers) + 6, len(after)
