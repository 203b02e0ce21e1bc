"""Submitting a dossier (tiếp nhận hồ sơ) through the API: a reception officer at the counter or
the agency's portal account receives it for the applicant.

The same checks as a dossier file's (support/intake.py), then the same registration: one dossier
per reference. A reference is the portal's own (in the dossier) or the request's
`Idempotency-Key`; the same reference with another dossier is a conflict, never a second dossier.
A new dossier gets a random lookup secret for the applicant; only its hash is kept.
"""

from __future__ import annotations

from functools import partial

from anyio import to_thread
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from sqlmodel import select
from temporalio.client import Client

from models.dossier import DocumentRef, ReceptionChannel, Reference
from models.officer import PORTAL_ROLE, OfficerIdentity
from models.tables import SubmissionRecord
from operations.dossiers import new_lookup_secret
from operations.errors import Forbidden
from operations.services import Services
from operations.uploads import UploadFolder
from support.catalogue import latest_procedure
from support.errors import CatalogueError, IntakeError
from support.intake import CheckedSubmission, DossierFile, check_dossier, submit_checked
from workflows.rules import ActionRejected, check_receiver


class SubmissionReceipt(BaseModel):
    """The answer to a submission: the dossier's code and, the first time only, the applicant's
    lookup secret (print it on the receipt: it is not kept and cannot be shown again)."""

    code: str
    duplicate: bool = Field(description="the same submission was received before")
    lookup_secret: str | None = Field(
        description="the applicant's secret for the public status; only on the first answer"
    )
    procedure_code: str
    procedure_version: int
    documents: list[DocumentRef]


def _channel(receiver: OfficerIdentity, dossier: DossierFile) -> ReceptionChannel:
    """The channel the dossier came by, as it says, else as its receiver's account says: a
    portal account's is received online (a portal receives nothing at the counter or by post);
    a one-stop officer's at the counter, or by post, or online when the officer enters one a
    portal received — then naming the portal's own reference for it, so that the online count
    (indicator 3.3) can be checked against the portal's records."""
    said = dossier.received_via
    if receiver.role == PORTAL_ROLE:
        if said is not None and said != ReceptionChannel.online:
            raise IntakeError(
                f"dossier: received_via: a portal account receives online; a dossier received"
                f" '{said.value}' is submitted by the one-stop officer who received it"
            )
        return ReceptionChannel.online
    if said == ReceptionChannel.online and not dossier.reference:
        raise IntakeError(
            "dossier: reference: a dossier an officer enters as received online names the"
            " portal's reference for it (its submission id there)"
        )
    return said or ReceptionChannel.counter


def _check_receiver(services: Services, dossier: DossierFile, receiver: OfficerIdentity) -> None:
    try:
        with services.sessions() as session:
            procedure = latest_procedure(session, dossier.procedure)
    except CatalogueError as exc:
        raise IntakeError(f"dossier: procedure: {exc}") from None
    try:
        check_receiver(procedure, receiver)
    except ActionRejected as exc:
        raise Forbidden(str(exc)) from None


async def submit(
    services: Services,
    client: Client,
    dossier: DossierFile,
    uploads: UploadFolder,
    *,
    receiver: OfficerIdentity,
    idempotency_key: str | None = None,
) -> SubmissionReceipt:
    """Checks the dossier and its uploaded documents, then stores, registers and starts it."""
    if idempotency_key and dossier.reference and idempotency_key != dossier.reference:
        raise IntakeError(
            "dossier: reference: it differs from the Idempotency-Key header: give one of them"
        )
    if idempotency_key is not None:
        try:
            TypeAdapter(Reference).validate_python(idempotency_key)
        except ValidationError:
            raise IntakeError(
                "Idempotency-Key: 1 to 128 letters, digits and . _ : / - (beginning with a letter"
                " or digit)"
            ) from None
    reference = dossier.reference or idempotency_key
    unnamed = sorted(set(uploads.hashes) - {entry.path for entry in dossier.documents})
    if unnamed:
        raise IntakeError(
            f"uploaded files the dossier does not name: {', '.join(unnamed[:10])}"
            " (name each in documents[].path)"
        )
    _check_receiver(services, dossier, receiver)
    via = _channel(receiver, dossier)
    # the checks read the catalogue and the uploaded files: off the event loop
    checked = await to_thread.run_sync(
        partial(
            check_dossier,
            dossier,
            uploads.folder,
            "dossier",
            settings=services.settings,
            sessions=services.sessions,
            received_via=via,
            received_by=receiver.id if via == ReceptionChannel.counter else None,
        )
    )
    changes: dict[str, object] = {}
    if reference is not None:
        changes["reference"] = reference
    draft = checked.draft.model_copy(update=changes)
    checked = CheckedSubmission(draft, checked.documents, own_reference=reference is not None)
    result = await submit_checked(
        checked,
        settings=services.settings,
        client=client,
        sessions=services.sessions,
        store=services.store,
        uploaded=uploads.staged(),
    )
    secret = None
    if not result.duplicate:
        secret, secret_hash = new_lookup_secret()
        with services.sessions() as session:
            record = session.exec(
                select(SubmissionRecord).where(SubmissionRecord.code == result.code)
            ).one()
            record.lookup_secret_sha256 = secret_hash
            session.add(record)
            session.commit()
    return SubmissionReceipt(
        code=result.code,
        duplicate=result.duplicate,
        lookup_secret=secret,
        procedure_code=result.procedure_code,
        procedure_version=result.procedure_version,
        documents=result.documents,
    )
