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

Every table the projection writes per dossier is covered, as `hoso rebuild` rewrites it: the
dossier row (`dossier`), its actions (`dossier_action`), documents and forms
(`dossier_document`), record entries (`dossier_record`), result hand-overs (`delivery`) and
who it waits for (`dossier_waiting`, the worklist) —
planted, changed and deleted rows are named. Not the notification outbox (`notification`): it
is delivery state (sent, attempts, the last error), not history, rendered from the templates and
roster of its day; nor the edge's own records (`submission`, which holds the lookup secret's
hash that no history holds; codes, the catalogue, officers, tokens, request nonces).
Verifying `--all` goes on past a dossier that cannot be checked (`verify_each`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from sqlalchemy import union
from sqlmodel import select
from temporalio.client import Client

from activities.database import SessionFactory
from activities.document_store import DocumentStore
from activities.storage import same
from activities.trust import published, seal_refusal
from models.dossier import CLOSED_STATUSES
from models.intake import SubmissionCheck
from models.projection import opening_of
from models.record import RecordEntry
from models.tables import (
    ActionRecord,
    DeliveryRecord,
    DocumentRecord,
    DossierRecord,
    RecordEntryRecord,
    WaitingRecord,
)
from support.dossier_failures import DossierFailure, failure_of
from support.seals import SealKeys
from support.verify_checks import (
    Key,
    Report,
    Rows,
    check_action_rows,
    check_chain,
    check_delivery_rows,
    check_record_rows,
    entries_from_rows,
    load_rows,
)
from support.verify_documents import check_document_rows, check_seals, check_store
from support.verify_history import History, check_history, read_history
from support.verify_revocations import check_revocations
from support.verify_waiting import check_closed_waiting, check_waiting_rows

CLOSED_VALUES = frozenset(status.value for status in CLOSED_STATUSES)
# Opening columns added after dossiers were projected: empty in those rows until a rebuild.
LATER_COLUMNS = frozenset({"applicant_address", "applicant_phone"})


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
    # a column added later is compared only where the history's change carried it
    expected = [state.row.model_dump(include=state.row.model_fields_set) for state in candidates]
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
    _check_start(report, history, sessions, keys)
    _check_end(report, history)
    check_revocations(report, history, sessions)
    chain = check_history(report, history)
    if not chain:
        report.notes.append("its history has no record (processed before the record existed)")
    agency = history.submission.procedure.agency if history.submission else None
    projected = history.projection()
    check_record_rows(report, chain, rows.entries, len(projected.record) if projected else 0)
    last = history.states[-1].actions if history.states else []
    # a long dossier's newest state holds only its latest rows: the projection's the others
    told = projected.actions if projected else []
    latest = {action.seq: action.model_dump(mode="json") for action in [*told, *last]}
    check_action_rows(
        report, chain, rows.actions, latest, len(projected.actions) if projected else 0
    )
    required: set[Key] = {(d.kind, d.sha256) for d in projected.documents} if projected else set()
    required |= {(f.kind, f.sha256) for f in history.forms}
    check_document_rows(report, chain, rows.documents, required, agency=agency, keys=keys)
    check_delivery_rows(report, chain, rows.deliveries, history.handovers)
    check_dossier_row(report, rows.dossier, history)
    candidates = history.states[max(history.projected, 0) :]
    check_waiting_rows(report, rows.waiting, candidates, agency)
    _check_forms_and_store(report, chain, store, agency, keys)
    return report


def _check_start(
    report: Report, history: History, sessions: SessionFactory, keys: SealKeys
) -> None:
    """The start came from hoso's intake (its seal) with a procedure the catalogue published."""
    if history.submission is None or keys.intake is None:
        return
    check = SubmissionCheck.of(history.submission)
    refusal = seal_refusal(check, keys.intake)
    if refusal is None and not published(
        sessions,
        check.procedure_code,
        check.procedure_version,
        check.procedure_sha256,
        keys.issuers,
    ):
        refusal = (
            "its procedure version was never published with this content (no valid signed"
            " publication covers it)"
        )
    if refusal is not None:
        report.add(f"its start was not accepted by hoso's intake: {refusal}")


def _check_end(report: Report, history: History) -> None:
    """A dossier whose workflow Temporal ended while it was open is not intact: it takes no
    action and no deadline of it runs (its record up to then is checked all the same)."""
    status = history.states[-1].row.status if history.states else None
    if history.ended is not None and status not in CLOSED_VALUES:
        report.add(
            f"its workflow {history.ended} while the dossier was {status or 'open'}: it takes no"
            " action and keeps no deadline"
        )


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
    if not chain:
        report.add(
            "the database holds no record of it: nothing shows it was ever submitted"
            " (planted, or processed before the record existed)"
        )
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
    check_closed_waiting(report, rows.dossier, rows.waiting)
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


async def verify_each(
    client: Client | None,
    sessions: SessionFactory,
    store: DocumentStore,
    keys: SealKeys,
    codes: Sequence[str],
) -> AsyncIterator[Report | DossierFailure]:
    """Verifies each dossier in turn: its report, or why it could not be checked; one
    dossier's failure never stops the others."""
    for code in codes:
        outcome: Report | DossierFailure
        try:
            outcome = await verify_dossier(client, sessions, store, keys, code)
        except Exception as exc:  # reported with its reason, and the next dossier goes on
            outcome = failure_of(code, exc)
        yield outcome


def projected_codes(sessions: SessionFactory) -> list[str]:
    """Every dossier the projection knows of: its row, or any action, document, entry or
    delivery left of it."""
    query = union(
        select(DossierRecord.code),
        select(ActionRecord.dossier_code),
        select(DocumentRecord.dossier_code),
        select(RecordEntryRecord.dossier_code),
        select(DeliveryRecord.dossier_code),
        select(WaitingRecord.dossier_code),
    )
    with sessions() as session:
        return sorted({str(code) for (code,) in session.connection().execute(query)})
