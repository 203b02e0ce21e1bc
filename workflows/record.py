"""Appending to the dossier's tamper-evident record from workflow code.

Pure and deterministic: hashes of what the workflow already holds, times from `workflow.now()`;
entries live in the state, so appending issues no command and old histories replay unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from temporalio import workflow

from models.credentials import digest
from models.dossier import DocumentRef, DossierSubmission
from models.effects import DeliveryReceipt
from models.record import (
    GENESIS,
    EntryKind,
    RecordEntry,
    Subject,
    action_digest,
    chained,
    input_digest,
)
from models.state import ActionEntry, DossierState, FormRef
from models.updates import UPDATE_OF

DEADLINES = frozenset(
    {"stage_late", "at_risk", "overdue", "consultation_timeout", "consultation_escalated"}
)


def head(state: DossierState) -> str:
    """The hash of the last entry: what the next entry (and a seal issued now) points at."""
    return state.record[-1].hash if state.record else GENESIS


def append(
    state: DossierState, kind: EntryKind, actor: str, subject: Subject, input_hash: str
) -> RecordEntry:
    entry = chained(
        state.record,
        at=workflow.now(),
        kind=kind,
        actor=actor,
        subject=subject,
        digest=input_hash,
    )
    state.record.append(entry)
    return entry


def submission(state: DossierState, sub: DossierSubmission) -> None:
    """Entry 1: the submission as it arrived (hashed, never stored in clear), then its
    documents."""
    subject: Subject = {
        "code": sub.code,
        "procedure": sub.procedure.code,
        "version": sub.procedure.version,
        "documents": len(sub.documents),
        "via": sub.received_via.value,
    }
    append(state, "submission", "applicant", subject, input_digest(sub))
    documents(state, sub.documents, "applicant")


def documents(state: DossierState, refs: Sequence[DocumentRef], actor: str) -> None:
    """One entry per document received, by kind and hash."""
    for ref in refs:
        subject: Subject = {
            "kind": ref.kind,
            "sha256": ref.sha256,
            "size": ref.size,
            "file_name": ref.file_name,
            "format": ref.format,
        }
        append(state, "document", actor, subject, input_digest(ref))


def action(state: DossierState, row: ActionEntry, source: BaseModel | None) -> None:
    """An action row of the control sheet; `source` is the signed input that caused it (its
    digest covers the proof, so the entry shows who signed), None for the dossier's own events."""
    proof = getattr(source, "proof", None)
    if source is not None:
        update = UPDATE_OF.get(type(source))
        kind = update.entry if update is not None else "action"
    else:
        kind = "deadline" if row.action in DEADLINES else "system"
    body = row.model_dump(mode="json")
    subject: Subject = {
        "seq": row.seq,
        "action": row.action,
        "stage": row.stage,
        "row": action_digest(body),
        "signed_by": proof.certificate.officer.id if proof is not None else None,
        "token": proof.certificate.token_id if proof is not None else None,
    }
    input_hash = input_digest(source) if source is not None else digest(body)
    append(state, kind, row.actor, subject, input_hash)


def form(state: DossierState, ref: FormRef) -> None:
    """A form issued and sealed by the agency."""
    seal = ref.seal
    subject: Subject = {
        "kind": ref.kind,
        "sha256": ref.sha256,
        "issued_at": ref.model_dump(mode="json")["issued_at"],
        "key": seal.key if seal else None,
        "seal": seal.signature if seal else None,
        "head": seal.head if seal else None,
    }
    append(state, "form", "system", subject, input_digest(ref))


def handover(state: DossierState, ref: FormRef, receipt: DeliveryReceipt) -> None:
    """The result handed to the applicant's channel (online, post, counter)."""
    subject: Subject = {
        "kind": ref.kind,
        "sha256": ref.sha256,
        "channel": receipt.channel.value,
        "tracking": receipt.tracking,
    }
    append(state, "handover", "system", subject, input_digest(receipt))
