"""A recorded history read as domain events: the submission first, each update paired with the
receipt it answered (the whole state, in histories from before receipts), each form issued with
its reference, the closing state last; a continued run's start with the state it took over."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter

from models.actions import OfficerAction
from models.dossier import DossierStatus
from support.dossier_events import (
    ActivityCompleted,
    ActivityScheduled,
    Closed,
    DossierEvent,
    HistoryReader,
    Submitted,
    UpdateAccepted,
    UpdateAnswered,
)

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
HISTORY = HISTORIES / "eia_approved_online.json"


async def read(path: Path) -> list[DossierEvent]:
    client: Any = SimpleNamespace(data_converter=pydantic_data_converter)
    reader = HistoryReader(client, lenient=False)
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    return [found for event in history.events if (found := await reader.read(event))]


async def test_a_recorded_history_reads_as_the_dossiers_events() -> None:
    events = await read(HISTORY)
    first, last = events[0], events[-1]
    assert isinstance(first, Submitted) and first.submission is not None
    assert isinstance(last, Closed) and last.state is not None
    assert last.state.status == DossierStatus.completed
    assert last.state.code == first.submission.code

    accepted = [e for e in events if isinstance(e, UpdateAccepted)]
    answered = [e for e in events if isinstance(e, UpdateAnswered)]
    assert accepted and all(e.registered for e in accepted)
    assert any(isinstance(e.item, OfficerAction) for e in accepted)
    assert [e.accepted for e in answered] == accepted
    receipts = [e.receipt for e in answered if e.state is None and e.failure is None]
    assert len(receipts) == len(answered)  # each answered a receipt, not the whole state
    rows = {action.seq: action for action in last.state.actions}
    assert all(r is not None and r.code == last.state.code and r.seq in rows for r in receipts)

    forms = [e.form for e in events if isinstance(e, ActivityCompleted) and e.form]
    assert [form.sha256 for form in forms] == [form.sha256 for form in last.state.forms]
    scheduled = [e for e in events if isinstance(e, ActivityScheduled)]
    assert all(e.input is not None for e in scheduled if e.name != "load_trust")


async def test_answers_from_before_receipts_read_as_states_and_receipts() -> None:
    events = await read(HISTORIES / "before-small-answers" / "eia_approved_online.json")
    answered = [e for e in events if isinstance(e, UpdateAnswered)]
    assert answered and all(e.state is not None and e.receipt is not None for e in answered)
    assert all(e.state.status == e.receipt.status for e in answered if e.state and e.receipt)


async def test_a_continued_run_starts_with_the_state_it_took_over() -> None:
    events = await read(HISTORIES / "continued_run.json")
    first = events[0]
    assert isinstance(first, Submitted) and first.continuation is not None
    assert first.submission == first.continuation.submission
    assert first.continuation.state.code == first.submission.code
    assert first.continuation.state.record  # the record goes on from the previous run
