"""Documents an officer adds to an action (minutes, an appraisal, a decision's annex) or to the
applicant's supplement they receive: uploaded, checked as a submission's documents are, and
stored by their SHA-256 before the action is signed, so that the signed action names them by hash.

Only what the caller may see is theirs to add to: an unknown dossier and one outside their reach
are the same NotFound, a closed one takes no documents. A supplement's documents are of the kinds
and formats the dossier's procedure (the version it was submitted under) declares; an action's
may be of any kind, in a format hoso can check.
"""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.client import Client

from models.dossier import CLOSED_STATUSES, DocumentRef
from models.procedure import Procedure
from models.state import DossierState
from models.tables import ProcedureRecord
from operations.access import Caller
from operations.dossiers import readable_state
from operations.errors import ActionRefused
from operations.services import Services
from operations.uploads import UploadFolder
from support.document_checks import check_documents
from support.errors import IntakeError
from support.intake import DocumentEntry, Sessions, store_checked


def submitted_procedure(sessions: Sessions, state: DossierState) -> Procedure:
    """The procedure version the dossier was submitted under, from the catalogue."""
    with sessions() as session:
        record = session.get(ProcedureRecord, (state.procedure_code, state.procedure_version))
    if record is None:
        raise IntakeError(
            f"procedure {state.procedure_code} v{state.procedure_version} is not in the catalogue"
        )
    return Procedure.model_validate({**record.body, "version": record.version})


def _check_named(uploads: UploadFolder, entries: Sequence[DocumentEntry]) -> None:
    named = [entry.path for entry in entries]
    if not named:
        raise IntakeError("documents: name at least one uploaded file with its kind")
    unnamed = sorted(set(uploads.hashes) - set(named))
    if unnamed:
        raise IntakeError(
            f"uploaded files the documents do not name: {', '.join(unnamed[:10])}"
            " (name each in documents[].path)"
        )
    twice = sorted({path for path in named if named.count(path) > 1})
    if twice:
        raise IntakeError(f"documents: named twice: {', '.join(twice[:10])}")


async def store_documents(
    services: Services,
    client: Client,
    caller: Caller,
    code: str,
    uploads: UploadFolder,
    entries: Sequence[DocumentEntry],
    *,
    supplement: bool,
) -> list[DocumentRef]:
    """Checks the uploaded files the entries name (kind and file name) and stores them, all or
    none; their references, for the action (or supplement) the officer signs next."""
    state = await readable_state(client, caller, services.settings, code)
    if state.status in CLOSED_STATUSES:
        raise ActionRefused(f"dossier {code} is closed", moved_on=True)
    _check_named(uploads, entries)
    procedure = submitted_procedure(services.sessions, state) if supplement else None
    checked = check_documents(
        ((entry.kind, entry.path) for entry in entries),
        uploads.folder,
        procedure,
        services.settings.max_document_bytes,
        "documents",
    )
    return store_checked(services.store, checked, uploaded=uploads.staged())
