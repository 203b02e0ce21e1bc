"""Rebuilding the projection from the workflow histories: the database is a projection.

For each dossier, the history gives its submission (the workflow's input) and what the workflow
told the projection (`record_change`'s inputs folded in order; `record_dossier`'s whole state for
dossiers started before changes existed); a closed dossier's result and a running dossier's
`state` query are newer still. All are decoded with the client's data converter (so an encrypted
history reads as the worker reads it) and written by the projection activity's own code, forms
registered first as the form activity registers them. The record is then the truth for the
document and form rows (`repair_documents`), the history's hand-overs for the delivery rows
(`repair_deliveries`), and rows the workflow never told of are removed (`remove_planted`).

Every table the projection writes per dossier is rebuilt: the dossier row, its actions,
documents and forms, record entries, deliveries and who it waits for (the worklist's rows).
The notification outbox is not: it is delivery state (sent, attempts, the last error), not
history — its messages were rendered from the templates and the roster of their day, and a
row written back unsent would be sent again.
A dossier the server no longer holds (retention) is left as it is: the database is then its only
copy, which `hoso verify` checks against its record and seals.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import col, delete, select
from temporalio.client import Client
from temporalio.service import RPCError

from activities.database import SessionFactory
from activities.document_store import DocumentStore
from activities.storage import as_change, record_change, register_forms
from activities.waiting import write_waiting
from models.activity_interfaces import RECORD_CHANGE, RECORD_DOSSIER
from models.dossier import DossierSubmission
from models.projection import DossierChange, fold, opening_of, restored, state_told, whole
from models.record import RecordEntry
from models.state import DossierState
from models.tables import (
    ActionRecord,
    DeliveryRecord,
    DocumentRecord,
    DossierRecord,
    RecordEntryRecord,
)
from support.dossier_events import (
    ActivityScheduled,
    Closed,
    ContinuedAsNew,
    DossierEvent,
    RunEnded,
    Submitted,
    UpdateAnswered,
    dossier_events,
)
from support.dossier_failures import DossierFailure, HistoryUnusable, failure_of
from support.handovers import Handover, HistoryHandovers, pair_rows, recorded_handovers
from support.verify_documents import DOCUMENT_FIELDS, recorded_documents, recorded_seal

WORKFLOW_TYPE = "DossierWorkflow"
QUERY_TIMEOUT = timedelta(seconds=5)


class RebuildError(HistoryUnusable):
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
    handovers: tuple[Handover, ...] = ()  # the results handed over, as the history tells
    handing_over: frozenset[str] = frozenset()  # keys of hand-overs under way


@dataclass
class _Told:
    """What a history told the projection, folded as its events are read."""

    submission: DossierSubmission | None = None
    told: DossierChange | None = None
    state: DossierState | None = None  # the newest whole state the projection was told …
    newer: DossierState | None = None  # … unless a later answer or result holds one
    running: bool = True
    handovers: HistoryHandovers = field(default_factory=HistoryHandovers)

    def see(self, event: DossierEvent) -> None:
        # a run that continued as new hands the dossier to the next run: it still runs
        if isinstance(event, RunEnded) and not isinstance(event, ContinuedAsNew):
            self.running = False
        self.handovers.see(event)
        if isinstance(event, Submitted):
            self.submission = event.submission
        elif isinstance(event, ActivityScheduled):
            self._scheduled(event)
        elif isinstance(event, Closed) or (
            isinstance(event, UpdateAnswered) and event.failure is None
        ):
            self.newer = event.state

    def _scheduled(self, event: ActivityScheduled) -> None:
        if event.name == RECORD_DOSSIER.name:
            self.state, self.told, self.newer = event.input.state, as_change(event.input), None
        elif event.name == RECORD_CHANGE.name:
            self.told = fold(self.told, event.input)


async def read_dossier(client: Client, code: str, *, live: bool = True) -> DossierRecordSource:
    """The dossier's submission, newest state and projection, from its history (and its query
    if it is running and `live`)."""
    found = _Told()
    async for event in dossier_events(client, code):
        found.see(event)
    state, submission, running = found.newer or found.state, found.submission, found.running
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
    if newest is not None:  # a long dossier's state holds only its latest entries
        state = newest = restored(newest, found.told)
    projection = whole(newest, opening_of(submission)) if newest is not None else found.told
    if state is None and found.told is not None:  # updates answer receipts, not states
        state = state_told(submission, found.told)
    handed = found.handovers
    return DossierRecordSource(
        submission,
        state,
        projection,
        running,
        tuple(handed.done),
        frozenset(handed.pending),
    )


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
    sessions: SessionFactory,
    store: DocumentStore,
    projection: DossierChange,
    *,
    closed: bool,
    handovers: Sequence[Handover] = (),
    handing_over: frozenset[str] = frozenset(),
) -> None:
    """Writes the projection as the activities do: forms registered with their sizes and seals
    (as issue_form does), then the dossier, its actions, documents and record entries
    (record_change's own code), rewriting action and record rows that were modified; then the
    rows the workflow never told of are removed (`remove_planted`), the document and form rows
    repaired from the record (`repair_documents`) and the delivery rows from the hand-overs
    (`repair_deliveries`)."""
    sizes = [
        (form, store.path(form.sha256).stat().st_size if store.exists(form.sha256) else 0)
        for form in projection.forms
    ]
    with sessions() as session:
        register_forms(session, projection.code, sizes)
        session.commit()
    record_change(sessions, projection, repair=True)
    remove_planted(sessions, projection, closed=closed)
    repair_waiting(sessions, projection)
    repair_documents(sessions, projection.code, projection.record, closed=closed)
    handed = recorded_handovers(projection.record, handovers)
    repair_deliveries(sessions, projection.code, handed, handing_over, closed=closed)


def remove_planted(sessions: SessionFactory, projection: DossierChange, *, closed: bool) -> None:
    """Deletes the action and record rows the workflow never told of. While the dossier runs,
    rows past what it told stay: the activity may be writing its next change."""
    code = projection.code
    told = (
        (ActionRecord, col(ActionRecord.seq), {action.seq for action in projection.actions}),
        (RecordEntryRecord, col(RecordEntryRecord.n), {entry.n for entry in projection.record}),
    )
    with sessions() as session:
        for table, position, known in told:
            planted = delete(table).where(col(table.dossier_code) == code, position.not_in(known))
            if not closed:
                planted = planted.where(position <= max(known, default=0))
            session.exec(planted)
        session.commit()


def repair_waiting(sessions: SessionFactory, projection: DossierChange) -> None:
    """Who the dossier waits for, as the projection says (also where `record_change` found
    planted actions and took the change for a stale one)."""
    with sessions() as session:
        row = session.get(DossierRecord, projection.code)
        if row is not None:
            write_waiting(session.connection(), projection, row.agency)
            session.commit()


def repair_deliveries(
    sessions: SessionFactory,
    code: str,
    handovers: Sequence[Handover],
    handing_over: frozenset[str],
    *,
    closed: bool,
) -> None:
    """The hand-overs are the truth for the delivery rows: a changed row is written back, a
    deleted one added back (the time the server saw it completed, the worker's own being
    lost), and — once the dossier is closed — a row no hand-over explains is deleted."""
    with sessions() as session:
        rows = session.exec(select(DeliveryRecord).where(DeliveryRecord.dossier_code == code))
        paired = pair_rows(rows.all(), handovers, set(handing_over))
        for row, handover in paired.pairs:
            for name, value in handover.row(code, row).items():
                setattr(row, name, value)  # unchanged values leave the row clean
        for handover in paired.missing:
            session.merge(DeliveryRecord(**handover.row(code, None)))  # moved away: back here
        for row in paired.planted if closed else ():
            session.delete(row)
        session.commit()


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


async def rebuild_dossier(
    client: Client, sessions: SessionFactory, store: DocumentStore, code: str
) -> bool:
    """Rebuilds one dossier's rows; False when it has nothing to project yet."""
    source = await read_dossier(client, code)
    if source.projection is None:
        return False  # submitted, never recorded: nothing to project yet
    write_projection(
        sessions,
        store,
        source.projection,
        closed=not source.running,
        handovers=source.handovers,
        handing_over=source.handing_over,
    )
    return True


async def rebuild(
    client: Client, sessions: SessionFactory, store: DocumentStore, codes: Sequence[str]
) -> list[str]:
    """Rebuilds the given dossiers' rows; returns the codes written. The first failure stops
    it (`rebuild_each` goes on)."""
    return [code for code in codes if await rebuild_dossier(client, sessions, store, code)]


async def rebuild_each(
    client: Client, sessions: SessionFactory, store: DocumentStore, codes: Sequence[str]
) -> AsyncIterator[tuple[str, bool | DossierFailure]]:
    """Rebuilds each dossier in turn: whether it was written, or why it failed; one dossier's
    failure never stops the others."""
    for code in codes:
        outcome: bool | DossierFailure
        try:
            outcome = await rebuild_dossier(client, sessions, store, code)
        except Exception as exc:  # reported with its reason, and the next dossier goes on
            outcome = failure_of(code, exc)
        yield code, outcome
