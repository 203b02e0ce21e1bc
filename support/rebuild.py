"""Rebuilding the projection from the workflow histories: the database is a projection.

For each dossier, the history gives its submission (the workflow's input) and what the workflow
told the projection (`record_change`'s inputs folded in order; `record_dossier`'s whole state for
dossiers started before changes existed); a closed dossier's result and a running dossier's
`state` query are newer still. All are decoded with the client's data converter (so an encrypted
history reads as the worker reads it) and written by the projection activity's own code, forms
registered first as the form activity registers them. The record is then the truth for the
document and form rows (`repair_documents`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import select
from temporalio.client import Client
from temporalio.service import RPCError

from activities.database import SessionFactory
from activities.document_store import DocumentStore
from activities.storage import as_change, record_change, register_forms
from models.activity_interfaces import RECORD_CHANGE, RECORD_DOSSIER
from models.dossier import DossierSubmission
from models.projection import DossierChange, fold, opening_of, whole
from models.record import RecordEntry
from models.state import DossierState
from models.tables import DocumentRecord
from support.dossier_events import (
    ActivityScheduled,
    Closed,
    RunEnded,
    Submitted,
    UpdateAnswered,
    dossier_events,
)
from support.verify_checks import DOCUMENT_FIELDS, recorded_documents, recorded_seal

WORKFLOW_TYPE = "DossierWorkflow"
QUERY_TIMEOUT = timedelta(seconds=5)


class RebuildError(Exception):
    """A dossier whose history cannot give its projection."""


@dataclass(frozen=True)
class DossierRecordSource:
    """What a dossier's workflow says about it: its submission, its newest whole state (None
    while only changes were recorded and no worker answers), and its projection as a whole
    change."""

    submission: DossierSubmission
    state: DossierState | None
    projection: DossierChange | None
    running: bool


async def read_dossier(client: Client, code: str, *, live: bool = True) -> DossierRecordSource:
    """The dossier's submission, newest state and projection, from its history (and its query
    if it is running and `live`)."""
    submission: DossierSubmission | None = None
    told: DossierChange | None = None
    state: DossierState | None = None  # the newest whole state the projection was told …
    newer: DossierState | None = None  # … unless a later answer or result holds one
    running = True
    async for event in dossier_events(client, code):
        running = running and not isinstance(event, RunEnded)
        if isinstance(event, Submitted):
            submission = event.submission
        elif isinstance(event, ActivityScheduled) and event.name == RECORD_DOSSIER.name:
            state, told, newer = event.input.state, as_change(event.input), None
        elif isinstance(event, ActivityScheduled) and event.name == RECORD_CHANGE.name:
            told = fold(told, event.input)
        elif isinstance(event, Closed) or (
            isinstance(event, UpdateAnswered) and event.failure is None
        ):
            newer = event.state
    state = newer or state
    if submission is None:
        raise RebuildError(f"{code}: its history has no submission")
    newest = None if running else state
    if running and live:
        try:
            answer = await client.get_workflow_handle(code).query(
                "state", result_type=DossierState, rpc_timeout=QUERY_TIMEOUT
            )
        except RPCError:
            answer = None  # no worker answers: the history's own will do
        if isinstance(answer, DossierState):
            state = newest = answer
    projection = whole(newest, opening_of(submission)) if newest is not None else told
    return DossierRecordSource(submission, state, projection, running)


async def dossier_codes(client: Client, task_queue: str) -> AsyncIterator[str]:
    """Every dossier the server knows (its visibility) on this deployment's task queue (another
    deployment's dossiers in the same namespace have their own projection), each once, latest
    run."""
    seen: set[str] = set()
    query = f"WorkflowType = '{WORKFLOW_TYPE}' AND TaskQueue = '{task_queue}'"
    async for execution in client.list_workflows(query):
        if execution.id not in seen:
            seen.add(execution.id)
            yield execution.id


def write_projection(
    sessions: SessionFactory, store: DocumentStore, projection: DossierChange, *, closed: bool
) -> None:
    """Writes the projection as the activities do: forms registered with their sizes and seals
    (as issue_form does), then the dossier, its actions, documents and record entries
    (record_change's own code), rewriting action and record rows that were modified; then the
    document and form rows are repaired from the record (`repair_documents`)."""
    sizes = [
        (form, store.path(form.sha256).stat().st_size if store.exists(form.sha256) else 0)
        for form in projection.forms
    ]
    with sessions() as session:
        register_forms(session, projection.code, sizes)
        session.commit()
    record_change(sessions, projection, repair=True)
    repair_documents(sessions, projection.code, projection.record, closed=closed)


def repair_documents(
    sessions: SessionFactory, code: str, record: Sequence[RecordEntry], *, closed: bool
) -> None:
    """The record is the truth for the dossier's document and form rows: a document's recorded
    name, size and format and a form's recorded seal are written back, and — once the dossier is
    closed — a row the record does not hold (a replaced result, a planted document) is deleted.
    A running dossier's rows off the record stay: a form is registered a moment before the
    workflow records it."""
    recorded = recorded_documents(record)
    with sessions() as session:
        rows = session.exec(select(DocumentRecord).where(DocumentRecord.dossier_code == code))
        for row in rows.all():
            found = recorded.get((row.kind, row.sha256))
            if found is None:
                if closed:
                    session.delete(row)
                continue
            kind, subject = found
            wanted = (
                {"seal": recorded_seal(subject)}
                if kind == "form"
                else {name: subject.get(name) for name in DOCUMENT_FIELDS}
            )
            for name, value in wanted.items():
                setattr(row, name, value)  # unchanged values leave the row clean
        session.commit()


async def rebuild(
    client: Client, sessions: SessionFactory, store: DocumentStore, codes: Sequence[str]
) -> list[str]:
    """Rebuilds the given dossiers' rows; returns the codes written."""
    written = []
    for code in codes:
        source = await read_dossier(client, code)
        if source.projection is None:
            continue  # submitted, never recorded: nothing to project yet
        write_projection(sessions, store, source.projection, closed=not source.running)
        written.append(code)
    return written
