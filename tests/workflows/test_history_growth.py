"""A dossier's history grows with what happened to it, never with the square of it: each update
answers a small receipt, and a run whose history grew long hands the dossier over to a new run
(continue-as-new), its record intact across runs (issue 22, item 3)."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.testing import WorkflowEnvironment

from config import Settings
from models.actions import RetryRequest
from models.continuation import HistoryLimits
from models.dossier import DossierStatus
from models.projection import DossierChange
from support.dossier_timeline import timeline
from tests.security.dossiers import Dossier
from tests.workflows.harness import officer_for, record_history, running_worker, send, start
from tests.workflows.history_growth import (
    Growth,
    approve_to_the_end,
    extract_dossier,
    run_ids,
    supplement_cycle,
)
from workflows.dossier import DossierWorkflow

SMALLEST = HistoryLimits(events=100, bytes=100_000)


async def test_a_long_dossier_continues_as_new_with_its_record_intact(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    """On the dev server: the time-skipping test server loses track of a run that continued."""
    client = dev_env.client
    sub = extract_dossier(settings)
    cycles = 12
    async with running_worker(dev_env, settings) as queue:
        handle = await start(client, queue, sub, limits=SMALLEST)
        for n in range(1, cycles + 1):
            state = await supplement_cycle(handle, n)
            assert state.status == DossierStatus.received and state.supplement_requests == n
        result = await approve_to_the_end(handle)
        runs = await run_ids(client, sub.code)
        assert len(runs) >= 3  # every ~100 events a new run took over
        # a run that took a dossier over and handed it on, and the last one, which closed it
        for name, run_id in (("continued_run", runs[1]), ("continued_last_run", runs[-1])):
            await record_history(client.get_workflow_handle(sub.code, run_id=run_id), name)
    assert result.status == DossierStatus.completed and result.outcome == "approved"
    assert result.supplement_requests == cycles
    # the state went from run to run whole: every action, one record from the submission on
    assert [a.action for a in result.actions].count("supplement") == cycles
    assert [e.n for e in result.record] == list(range(1, len(result.record) + 1))
    entries = await timeline(client, sub.code)
    told = [entry.event for entry in entries]
    assert told.count("supplement") == cycles and told.count("submitted") == 1
    assert told.count("continued") == told.count("resumed") == len(runs) - 1
    report = await Dossier(sub.code, result, settings).verify(client)
    assert report.differences == []
    assert report.entries == len(result.record)


async def test_an_update_answers_a_receipt_not_the_whole_state(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    sub = extract_dossier(settings)
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await supplement_cycle(handle, 1)
        history = await handle.fetch_history()
        answers = [
            event.workflow_execution_update_completed_event_attributes
            for event in history.events
            if event.HasField("workflow_execution_update_completed_event_attributes")
        ]
        state = await handle.query(DossierWorkflow.state)
        assert len(answers) == 2
        for answer in answers:
            assert answer.outcome.success.payloads[0].ByteSize() < 500
        supplement = state.actions[-1]
        receipt = await skip_env.client.data_converter.decode(
            list(answers[-1].outcome.success.payloads)
        )
        assert receipt[0]["seq"] == supplement.seq and receipt[0]["status"] == "received"
        result = await approve_to_the_end(handle)
    # what the projection is told: what changed, the stage visits too (the last one again)
    changes = [
        await skip_env.client.data_converter.decode(
            list(event.activity_task_scheduled_event_attributes.input.payloads), [DossierChange]
        )
        for event in (await handle.fetch_history()).events
        if event.activity_task_scheduled_event_attributes.activity_type.name == "record_change"
    ]
    assert len(result.visits) >= 3
    assert all(len(change[0].visits) <= 2 for change in changes)


@pytest.mark.slow
@pytest.mark.timeout(1200)
async def test_five_hundred_supplement_cycles_complete_with_a_flat_history(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    """The attack of issue 22: 122 cycles made 52.8 MB and Temporal terminated the dossier."""
    client = dev_env.client
    sub = extract_dossier(settings)
    cycles = 500
    async with running_worker(dev_env, settings) as queue:
        handle = await start(client, queue, sub)  # the default limits, as intake starts it
        growth = Growth(client, sub.code)
        await growth.look()
        for n in range(1, cycles + 1):
            await supplement_cycle(handle, n)
            await growth.look()
        runs = await run_ids(client, sub.code)
        result = await approve_to_the_end(handle)
    assert result.status == DossierStatus.completed and result.supplement_requests == cycles
    assert len(runs) >= 2
    first, last = growth.added[10:30], growth.added[-20:]
    per_cycle_first, per_cycle_last = sum(first) / len(first), sum(last) / len(last)
    assert per_cycle_last <= 1.1 * per_cycle_first, (per_cycle_first, per_cycle_last)
    told = [entry.event for entry in await timeline(client, sub.code)]
    assert told.count("supplement") == cycles and told.count("continued") == len(runs) - 1
    report = await Dossier(sub.code, result, settings).verify(client)
    assert report.differences == []
    assert report.entries == len(result.record)


async def test_actions_sent_while_a_run_hands_over_are_all_applied(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    """Operators' retries sent all at once, across the hand-over to new runs: each is answered
    and on the record, once."""
    client = dev_env.client
    sub = extract_dossier(settings)
    operator = officer_for(role="operator")
    async with running_worker(dev_env, settings) as queue:
        handle = await start(client, queue, sub, limits=SMALLEST)
        await supplement_cycle(handle, 1)
        notes = [f"lần {n}" for n in range(40)]
        await asyncio.gather(
            *(
                send(handle, DossierWorkflow.retry, RetryRequest(officer=operator, note=note))
                for note in notes
            )
        )
        for n in range(2, 6):
            await supplement_cycle(handle, n)
        result = await approve_to_the_end(handle)
        runs = await run_ids(client, sub.code)
    assert len(runs) >= 2
    retried = [a.comment for a in result.actions if a.action == "retry"]
    assert sorted(retried) == sorted(notes)
    assert [e.n for e in result.record] == list(range(1, len(result.record) + 1))
    report = await Dossier(sub.code, result, settings).verify(client)
    assert report.differences == []
