"""A recorded history read as domain events: the submission first, each update paired with the
state it answered, each form issued with its reference, the closing state last."""

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

HISTORY = Path(__file__).resolve().parents[1] / "histories" / "eia_approved_online.json"


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
    assert all(e.state is not None and e.failure is None for e in answered)

    forms = [e.form for e in events if isinstance(e, ActivityCompleted) and e.form]
    assert [form.sha256 for form in forms] == [form.sha256 for form in last.state.forms]
    scheduled = [e for e in events if isinstance(e, ActivityScheduled)]
    assert all(e.input is not None for e in scheduled if e.name != "load_trust")
