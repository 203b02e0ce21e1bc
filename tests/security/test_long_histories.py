"""Issue 22, item 3: a dossier's history no longer dies silently.

Before: a dossier through 122 supplement cycles grew a 52.8 MB history and Temporal terminated
it; `status` and `list` still said `awaiting_supplement`, `stuck` listed nothing and `verify`
said "record intact". Now a dossier that Temporal ended while open says so everywhere, and a
run takes over a dossier's state only from the dossier's own previous run (an unsigned
`Continuation` sent by a plain client starts nothing)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowFailureError
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from config import Settings
from models.continuation import Continuation
from models.dossier import DossierStatus
from models.tables import DossierRecord, NotificationRecord
from operations.access import Caller
from operations.dossiers import read_noted_state
from operations.search import DossierFilter, search, with_ends
from operations.services import Services
from operations.stuck import stuck_dossiers
from tests.security.dossiers import Dossier
from tests.workflows.harness import (
    act,
    assignee,
    officer_for,
    procedure,
    running_worker,
    sealed_for,
    start,
)
from tests.workflows.history_growth import extract_dossier, supplement_cycle
from workflows.dossier import DossierWorkflow

TERMINATED = "Workflow history size exceeds limit."  # what Temporal writes when it terminates


async def test_a_dossier_temporal_terminated_shows_as_terminated_everywhere(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    client = dev_env.client
    sub = extract_dossier(settings)
    async with running_worker(dev_env, settings) as queue:
        handle = await start(client, queue, sub)
        await supplement_cycle(handle, 1)
        reception = assignee(procedure("extract"), "reception")
        state = await act(handle, reception, "request_supplement", missing=["Bản sao"])
        assert state.status == DossierStatus.awaiting_supplement
        await handle.terminate(reason=TERMINATED)  # as the server does past its limits
        settings = settings.model_copy(update={"task_queue": queue})

        noted = await read_noted_state(client, sub.code)
        assert noted.state.status == DossierStatus.awaiting_supplement
        assert noted.ended == "terminated"
        assert noted.note is not None and TERMINATED in noted.note
        assert "takes no action" in noted.note

        operator = Caller(officer=officer_for(role="operator"), token_id="t")
        services = Services.from_settings(settings, client)
        page = search(services.sessions, settings, operator, DossierFilter(), size=1000)
        found = await with_ends(client, settings, page)
        listed = [item for item in found.items if item.code == sub.code]
        assert [(item.status, item.ended) for item in listed] == [
            ("awaiting_supplement", "terminated")
        ]

        stuck = [s for s in await stuck_dossiers(client, operator, services) if s.code == sub.code]
        assert [(s.ended, TERMINATED in s.cause) for s in stuck] == [("terminated", True)]

        report = await Dossier(sub.code, state, settings).verify(client)
        assert any("terminated by Temporal" in d for d in report.differences), report.differences


async def test_a_continuation_from_a_plain_client_starts_nothing(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    """A start carrying a state of its choosing (here: a dossier already approved), with the
    submission sealed as intake does: refused before any side effect, since no run of the
    dossier handed it over."""
    client = dev_env.client
    sub = extract_dossier(settings)
    async with running_worker(dev_env, settings) as queue:
        sealed = sealed_for(queue, sub)
        genuine = await start(client, queue, extract_dossier(settings))
        await act(genuine, assignee(procedure("extract"), "reception"), "accept")
        taken = (await genuine.query(DossierWorkflow.state)).model_copy(
            update={"code": sub.code, "status": DossierStatus.approved}
        )
        forged = Continuation(
            submission=sealed, state=taken, calendar=sub.calendar, effects=0, run=2
        )
        handle = await client.start_workflow(
            DossierWorkflow.run, forged, id=sub.code, task_queue=queue
        )
        with pytest.raises(WorkflowFailureError) as refused:
            await handle.result()
    assert "a continuation is taken only from the dossier's own previous run" in str(
        refused.value.cause
    )
    history = await handle.fetch_history()
    assert not [e for e in history.events if e.HasField("activity_task_scheduled_event_attributes")]
    with Session(make_engine(settings.resolved_database_url)) as session:
        assert session.get(DossierRecord, sub.code) is None
        sent = select(NotificationRecord).where(NotificationRecord.dossier_code == sub.code)
        assert session.exec(sent).all() == []
