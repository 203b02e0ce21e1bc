"""`hoso verify`: a dossier's tamper-evident record recomputed from its workflow history, and the
projection, the document store and the seals checked against it, naming every difference.

The record is read from the states the history itself holds (the projection's changes folded in
order, every update's result, the workflow's result) rather than by replaying the workflow: no
worker code has to be trusted for it, and each entry is checked against the history's own inputs
instead — the submission, every update accepted and applied (with the officer's signature), every
form issued.
Every state's record must be a prefix of the longest one; the longest is the record.

When the server no longer holds the history (retention), the database's record is checked
against itself, the action and document rows, the store and the seals — each seal covers the
record as it stood when its form was issued, so the entries before a sealed form cannot be
rewritten without the agency's key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import union
from sqlmodel import select
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from activities.database import SessionFactory
from activities.document_store import DocumentStore
from activities.storage import as_change, same
from models.actions import OfficerAction
from models.activity_interfaces import RECORD_DOSSIER
from models.dossier import DossierSubmission
from models.projection import DossierChange, fold, opening_of, whole
from models.record import RecordEntry, action_digest, input_digest
from models.state import FormRef
from models.tables import (
    ActionRecord,
    DeliveryRecord,
    DocumentRecord,
    DossierRecord,
    RecordEntryRecord,
)
from models.updates import ENTRY_KINDS
from support.dossier_events import (
    PROJECTION_ACTIVITIES,
    ActivityCompleted,
    ActivityScheduled,
    Closed,
    Submitted,
    UpdateAnswered,
    dossier_events,
)
from support.seals import SealKeys
from support.verify_checks import (
    Key,
    Report,
    Rows,
    check_action_rows,
    check_chain,
    check_delivery_rows,
    check_document_rows,
    check_record_rows,
    check_seals,
    check_store,
    entries_from_rows,
    load_rows,
)

# Opening columns added after dossiers were projected: empty in those rows until a rebuild.
LATER_COLUMNS = frozenset({"applicant_address", "applicant_phone"})


@dataclass
class Update:
    """An update the dossier accepted and applied: its name, input and when it was accepted."""

    name: str
    item: BaseModel
    at: datetime

    def describe(self) -> str:
        who = getattr(self.item, "officer", None)
        what = self.item.action if isinstance(self.item, OfficerAction) else self.name
        return f"{what} by {who.id if who else 'the applicant'} at {self.at:%Y-%m-%d %H:%M} UTC"


@dataclass
class History:
    """What the workflow history says: the submission, every state it holds (in order, each as
    a whole change), which of them the projection was last written from, the updates applied
    and the forms issued."""

    submission: DossierSubmission | None = None
    states: list[DossierChange] = field(default_factory=list)
    projected: int = -1
    updates: list[Update] = field(default_factory=list)
    forms: list[FormRef] = field(default_factory=list)

    def record(self) -> list[RecordEntry]:
        return max((state.record for state in self.states), key=len, default=[])

    def projection(self) -> DossierChange | None:
        return self.states[self.projected] if self.projected >= 0 else None


async def read_history(client: Client, code: str) -> History | None:
    """The dossier's history, as `History`; None when the server does not hold it."""
    found = History()
    positions: dict[int, int] = {}  # each projection write's state, by its scheduling event
    told: DossierChange | None = None  # the projection's changes so far, folded
    try:
        async for event in dossier_events(client, code):
            if isinstance(event, Submitted):
                found.submission = event.submission
            elif isinstance(event, UpdateAnswered) and event.state is not None:
                accepted = event.accepted
                if accepted is not None and accepted.registered:
                    found.updates.append(Update(accepted.name, accepted.item, accepted.at))
                    found.states.append(whole(event.state))
            elif isinstance(event, ActivityScheduled) and event.name in PROJECTION_ACTIVITIES:
                positions[event.event_id] = len(found.states)
                told = (
                    as_change(event.input)
                    if event.name == RECORD_DOSSIER.name
                    else fold(told, event.input)
                )
                found.states.append(told)
            elif isinstance(event, ActivityCompleted) and event.scheduled is not None:
                if event.scheduled.event_id in positions:
                    found.projected = max(found.projected, positions[event.scheduled.event_id])
                elif event.form is not None:
                    found.forms.append(event.form)
            elif isinstance(event, Closed) and event.state is not None:
                found.states.append(whole(event.state))
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    return found


def check_history(report: Report, history: History) -> list[RecordEntry]:
    """The record against the history's own inputs; returns the record."""
    chain = history.record()
    for state in history.states:
        if state.record != chain[: len(state.record)]:
            report.add("the history holds two different records (a state was altered)")
            break
    check_chain(report, chain, "the history's record")
    submission = history.submission
    if submission is None:
        report.add("the history has no submission")
        return chain
    if chain and (chain[0].kind != "submission" or chain[0].digest != input_digest(submission)):
        report.add("record entry #1 is not the submission the history received")
    signed = {entry.digest: entry for entry in chain if entry.kind in ENTRY_KINDS}
    applied = {input_digest(update.item) for update in history.updates}
    for update in history.updates:
        if input_digest(update.item) not in signed:
            report.add(f"update {update.name} ({update.describe()}) has no entry in the record")
    for digest, entry in signed.items():
        if digest not in applied:
            report.add(f"record entry {entry.describe()} matches no update in the history (forged)")
    recorded_forms = {entry.digest for entry in chain if entry.kind == "form"}
    for form in history.forms:
        if input_digest(form) not in recorded_forms:
            report.add(f"form {form.kind} ({form.sha256[:12]}…) issued has no entry in the record")
    rows = {entry.subject.get("seq"): entry.subject.get("row") for entry in chain}
    for action in history.states[-1].actions if history.states else []:
        if rows.get(action.seq) != action_digest(action.model_dump(mode="json")):
            report.add(
                f"action #{action.seq} ({action.action}) of the history is not on the record"
            )
    return chain


def check_dossier_row(report: Report, row: DossierRecord | None, history: History) -> None:
    """The dossier row shows one of the states written since the last completed projection,
    and the submission's applicant, procedure and reference."""
    projected = history.projection()
    if row is None:
        if projected is not None:
            report.add("the dossier row is missing from the database (deleted)")
        return
    candidates = history.states[max(history.projected, 0) :]
    if not candidates:
        return
    expected = [state.row.model_dump() for state in candidates]
    if not any(all(same(getattr(row, k), v) for k, v in f.items()) for f in expected):
        base = projected.row.model_dump() if projected is not None else expected[-1]
        changed = [k for k, v in base.items() if not same(getattr(row, k), v)]
        report.add(
            "the dossier row in the database differs from the history: "
            + (", ".join(changed) or "its fields")
            + " changed"
        )
    if history.submission is not None:
        fields = opening_of(history.submission).model_dump()
        changed = [k for k, v in fields.items() if not same(getattr(row, k), v)]
        unfilled = [k for k in changed if k in LATER_COLUMNS and getattr(row, k) is None]
        if unfilled:
            report.add(
                "the dossier row lacks "
                + ", ".join(unfilled)
                + " (projected before migration 0004): `hoso rebuild` fills them from the history"
            )
            changed = [k for k in changed if k not in unfilled]
        if changed:
            report.add(
                "the dossier row in the database differs from the submission: "
                + ", ".join(changed)
                + " changed"
            )


async def verify_dossier(
    client: Client | None,
    sessions: SessionFactory,
    store: DocumentStore,
    keys: SealKeys,
    code: str,
) -> Report:
    """Every check of one dossier; the report names each difference."""
    report = Report(code)
    rows = load_rows(sessions, code)
    history = await read_history(client, code) if client is not None else None
    if history is None:
        return _verify_without_history(report, rows, store, keys)
    chain = check_history(report, history)
    if not chain:
        report.notes.append("its history has no record (processed before the record existed)")
    agency = history.submission.procedure.agency if history.submission else None
    projected = history.projection()
    check_record_rows(report, chain, rows.entries, len(projected.record) if projected else 0)
    last = history.states[-1].actions if history.states else []
    latest = {action.seq: action.model_dump(mode="json") for action in last}
    check_action_rows(
        report, chain, rows.actions, latest, len(projected.actions) if projected else 0
    )
    required: set[Key] = {(d.kind, d.sha256) for d in projected.documents} if projected else set()
    required |= {(f.kind, f.sha256) for f in history.forms}
    check_document_rows(report, chain, rows.documents, required, agency=agency, keys=keys)
    check_delivery_rows(report, chain, rows.deliveries)
    check_dossier_row(report, rows.dossier, history)
    _check_forms_and_store(report, chain, store, agency, keys)
    return report


def _verify_without_history(
    report: Report, rows: Rows, store: DocumentStore, keys: SealKeys
) -> Report:
    if rows.empty:
        report.add("no such dossier, in Temporal or in the database")
        return report
    report.notes.append(
        "history no longer held by Temporal: the database's record is checked against itself"
        " and the seals"
    )
    chain = entries_from_rows(report, rows.entries)
    check_chain(report, chain, "the database's record")
    check_action_rows(report, chain, rows.actions, None, required=None)
    recorded: set[Key] = {
        (str(e.subject["kind"]), str(e.subject["sha256"]))
        for e in chain
        if e.kind in ("document", "form")
    }
    agency = rows.dossier.agency if rows.dossier else None
    if rows.dossier is None:
        report.add("the dossier row is missing from the database (deleted)")
    check_document_rows(report, chain, rows.documents, recorded, agency=agency, keys=keys)
    check_delivery_rows(report, chain, rows.deliveries)
    _check_forms_and_store(report, chain, store, agency, keys)
    return report


def _check_forms_and_store(
    report: Report,
    chain: list[RecordEntry],
    store: DocumentStore,
    agency: str | None,
    keys: SealKeys,
) -> None:
    check_seals(report, chain, agency=agency, keys=keys)
    check_store(report, store, chain)
    report.entries = len(chain)
    report.documents = sum(1 for entry in chain if entry.kind == "document")


def projected_codes(sessions: SessionFactory) -> list[str]:
    """Every dossier the projection knows of: its row, or any action, document, entry or
    hand-over left of it."""
    query = union(
        select(DossierRecord.code),
        select(ActionRecord.dossier_code),
        select(DocumentRecord.dossier_code),
        select(RecordEntryRecord.dossier_code),
        select(DeliveryRecord.dossier_code),
    )
    with sessions() as session:
        return sorted({str(code) for (code,) in session.connection().execute(query)})
