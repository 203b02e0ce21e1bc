"""Rebuilding the projection from the workflow histories: the database is a projection.

For each dossier, the history gives its submission (the workflow's input) and the last
projection the workflow asked to record (`record_dossier`'s input); a running dossier answers its
`state` query, which is newer still. Both are decoded with the client's data converter (so an
encrypted history reads as the worker reads it) and written by the projection activity's own
code, forms registered first as the form activity registers them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import select
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.service import RPCError

from activities.database import SessionFactory
from activities.document_store import DocumentStore
from activities.form_rendering import FORM_FORMAT
from activities.storage import record_projection
from models.dossier import DossierSubmission
from models.effects import DossierProjection
from models.state import DossierState
from models.tables import DocumentRecord

WORKFLOW_TYPE = "DossierWorkflow"
QUERY_TIMEOUT = timedelta(seconds=5)
CLOSING_EVENTS = frozenset(
    f"workflow_execution_{end}_event_attributes"
    for end in ("completed", "failed", "timed_out", "canceled", "terminated", "continued_as_new")
)


class RebuildError(Exception):
    """A dossier whose history cannot give its projection."""


@dataclass(frozen=True)
class DossierRecordSource:
    """What a dossier's workflow says about it: its submission and its latest projection."""

    submission: DossierSubmission
    projection: DossierProjection | None
    running: bool


async def _decode(client: Client, payloads: Sequence[Payload], hint: type) -> Any:
    if not payloads:
        return None
    return (await client.data_converter.decode(list(payloads), [hint]))[0]


async def read_dossier(client: Client, code: str, *, live: bool = True) -> DossierRecordSource:
    """The dossier's submission and latest projection, from its history (and its query if it is
    running and `live`)."""
    handle = client.get_workflow_handle(code)
    submission: DossierSubmission | None = None
    projection: DossierProjection | None = None
    running = True
    async for event in handle.fetch_history_events():
        which = event.WhichOneof("attributes")
        running = running and which not in CLOSING_EVENTS
        if which == "workflow_execution_started_event_attributes":
            started = event.workflow_execution_started_event_attributes
            submission = await _decode(client, started.input.payloads, DossierSubmission)
        elif which == "activity_task_scheduled_event_attributes":
            scheduled = event.activity_task_scheduled_event_attributes
            if scheduled.activity_type.name == "record_dossier":
                projection = await _decode(client, scheduled.input.payloads, DossierProjection)
    if submission is None:
        raise RebuildError(f"{code}: its history has no submission")
    if running and live:
        try:
            state = await handle.query("state", result_type=DossierState, rpc_timeout=QUERY_TIMEOUT)
        except RPCError:
            state = None  # no worker answers: the history's last projection will do
        if isinstance(state, DossierState):
            projection = DossierProjection(
                state=state, reference=submission.reference, applicant=submission.applicant
            )
    return DossierRecordSource(submission=submission, projection=projection, running=running)


async def dossier_codes(client: Client) -> AsyncIterator[str]:
    """Every dossier the server knows (its visibility), each once, latest run."""
    seen: set[str] = set()
    async for execution in client.list_workflows(f'WorkflowType="{WORKFLOW_TYPE}"'):
        if execution.id not in seen:
            seen.add(execution.id)
            yield execution.id


def write_projection(
    sessions: SessionFactory, store: DocumentStore, projection: DossierProjection
) -> None:
    """Writes the projection as the activities do: forms registered with their seals (as
    issue_form does), then the dossier, its actions, documents and record entries
    (record_dossier's own code)."""
    state = projection.state
    with sessions() as session:
        known = {
            (kind, sha)
            for kind, sha in session.exec(
                select(DocumentRecord.kind, DocumentRecord.sha256).where(
                    DocumentRecord.dossier_code == state.code
                )
            ).all()
        }
        for form in state.forms:
            if (form.kind, form.sha256) in known:
                continue
            known.add((form.kind, form.sha256))
            size = store.path(form.sha256).stat().st_size if store.exists(form.sha256) else 0
            session.add(
                DocumentRecord(
                    dossier_code=state.code,
                    kind=form.kind,
                    file_name=f"{form.kind}.{FORM_FORMAT}",
                    sha256=form.sha256,
                    size=size,
                    format=FORM_FORMAT,
                    source="form",
                    added_at=form.issued_at,
                    seal=form.seal.model_dump(mode="json") if form.seal else None,
                )
            )
        session.commit()
    record_projection(sessions, projection)


async def rebuild(
    client: Client, sessions: SessionFactory, store: DocumentStore, codes: Sequence[str]
) -> list[str]:
    """Rebuilds the given dossiers' rows; returns the codes written."""
    written = []
    for code in codes:
        source = await read_dossier(client, code)
        if source.projection is None:
            continue  # submitted, never recorded: nothing to project yet
        write_projection(sessions, store, source.projection)
        written.append(code)
    return written
