"""Where a stuck dossier's history stops replaying, found on recorded histories."""

from __future__ import annotations

import json
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from support.stuck_dossiers import TIMED_OUT, failure_cause, replay_point, updates_after
from worker import WORKFLOW_RUNNER
from workflows.dossier import DossierWorkflow

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
# recorded before the intake seal: the event ids below are that recording's
RECORDED = HISTORIES / "before-intake-seal" / "eia_approved_online.json"
# A history the server-restart fault test left (payloads decrypted): after the server was killed,
# Temporal Core completed one workflow task (event 24) with the commands of two activations, an
# activity's result (the start's notices) and then an officer's acceptance; the Python SDK
# replays an update before an activity result of the same activation, so it no longer replays.
MERGED = HISTORIES / "broken" / "merged_task_after_server_crash.json"
COMPLETED = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED


def replaying() -> Replayer:
    return Replayer(
        workflows=[DossierWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=WORKFLOW_RUNNER,
    )


def recorded(changed_event: int | None = None) -> WorkflowHistory:
    """The recorded EIA history; with `changed_event`, that scheduled activity's type changed,
    as other workflow code would have scheduled it."""
    data = json.loads(RECORDED.read_text(encoding="utf-8"))
    if changed_event is not None:
        event = data["events"][changed_event - 1]
        event["activityTaskScheduledEventAttributes"]["activityType"]["name"] = "deliver_result"
    return WorkflowHistory.from_json("so-tnmt-recorded", json.dumps(data))


async def test_a_history_that_replays_is_reset_to_its_last_completed_task() -> None:
    history = recorded()
    last = max(e.event_id for e in history.events if e.event_type == COMPLETED)
    assert await replay_point(history, replaying()) == (last, True)


async def test_a_history_that_stops_replaying_is_reset_to_the_first_task_that_differs() -> None:
    history = recorded(changed_event=37)  # a notice scheduled by the task completed at event 34
    point, replays = await replay_point(history, replaying())
    assert (point, replays) == (34, False)

    later = updates_after(list(history.events), point)
    accepted = [
        e.workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        and e.event_id > point
    ]
    assert [r.meta.update_id for r in later] == accepted and len(accepted) >= 6
    assert all(r.input.name for r in later)  # sent again as they were: name and signed input


async def test_the_history_temporal_core_merged_after_a_crash_is_reset_before_that_task() -> None:
    history = WorkflowHistory.from_json("so-tnmt-551169-0023", MERGED.read_text(encoding="utf-8"))
    failed = await replaying().replay_workflow(history, raise_on_replay_failure=False)
    assert "patch marker encountered for change concurrent-notices" in str(failed.replay_failure)

    point, replays = await replay_point(history, replaying())
    assert (point, replays) == (24, False)
    resent = updates_after(list(history.events), point)
    assert [r.meta.update_id.split("/", 1)[1] for r in resent] == [
        "0/1",  # the reception's acceptance, the one the merged task held (a second attempt)
        "1/0",
        "2/0",
        "3/0",
        "4/0",
        "5/0",
    ]


def test_the_cause_is_the_last_failure_or_timeout_recorded() -> None:
    events = list(recorded().events)
    assert failure_cause(events) == "-"
    timed_out = type(events[0])(
        event_id=999, event_type=EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT
    )
    assert failure_cause([*events, timed_out]) == TIMED_OUT
