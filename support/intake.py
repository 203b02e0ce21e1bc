"""Submission at the edge (tiếp nhận hồ sơ): validate a dossier file, store its documents,
allocate the dossier code and start its workflow.

Everything a dossier file or a `--doc` option says is checked before anything is written: the
file (size, YAML, fields), each document (a path inside the dossier folder, no symbolic link, a
regular non-empty file under the size limit, a format the procedure accepts, content that really
is that format), and the whole workflow input. Nothing is stored, registered or started when one
check fails. The submission record (one per reference) makes a repeat return the first code
instead of a second dossier while that dossier is open; the same documents sent again by the same
person after it ended are a new application, a new dossier (a portal's reference stays one
dossier: the portal names each request).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import structlog
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities.document_store import DocumentStore, Staged
from activities.keys import load_public_keys
from config import Settings
from models.calendar import VIETNAM
from models.continuation import HISTORY_LIMITS_MEMO, HistoryLimits
from models.dossier import (
    MAX_DOCUMENTS,
    Applicant,
    DocumentRef,
    DossierStatus,
    DossierSubmission,
    ReceptionChannel,
    Reference,
)
from models.officer import OfficerId
from models.procedure import (
    DeliveryChannel,
    Identifier,
    Procedure,
    ProcedureCode,
)
from support.agencies import stored_names
from support.calendars import calendar_for
from support.catalogue import latest_published
from support.document_checks import CheckedDocument, check_documents, content_problem
from support.errors import CatalogueError, read_yaml_mapping, shown
from support.errors import IntakeError as IntakeError
from support.intake_seal import IntakeKeyError, IntakeSealer
from support.reception import check_receiver
from support.registration import (
    check_reference,
    compute_reference,
    reallocate,
    register,
    started,
    submission_content,
)
from workflows import search_attributes as sa
from workflows.dossier import DossierWorkflow

log = structlog.get_logger()

Sessions = Callable[[], Session]
MAX_SHOWN_PROBLEMS = 10


class DocumentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Identifier
    path: Annotated[str, Field(min_length=1, max_length=1000)]


class DossierFile(BaseModel):
    """What a dossier file (YAML or JSON) holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    procedure: ProcedureCode
    applicant: Applicant
    documents: list[DocumentEntry] = Field(min_length=1, max_length=MAX_DOCUMENTS)
    delivery: DeliveryChannel
    reference: Reference | None = None
    received_via: ReceptionChannel | None = Field(
        default=None,
        description="online (from a portal), counter or post; unsaid, as the account that"
        " submits it says: a portal account online, a one-stop officer at the counter",
    )
    received_by: OfficerId | None = Field(
        default=None, description="at the counter: the one-stop officer who received it"
    )


class IntakeResult(BaseModel):
    code: str
    duplicate: bool
    procedure_code: str
    procedure_version: int
    documents: list[DocumentRef]


def describe_validation_error(source: str, exc: ValidationError) -> str:
    """`source: field.path: message` for each error, on one line; the values themselves (personal
    data, perhaps hostile) are never repeated, only the names of the fields."""
    parts: list[str] = []
    for error in exc.errors():
        where = ".".join(shown(part, 40) for part in error["loc"]) or "(top level)"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        elif error["type"] == "string_type" and isinstance(error.get("input"), int | float):
            message = "write it in quotes: it is read as a number (and loses its leading zeros)"
        part = f"{where}: {message}"
        if part not in parts:
            parts.append(part)
    if len(parts) > MAX_SHOWN_PROBLEMS:
        parts[MAX_SHOWN_PROBLEMS:] = [f"… and {len(parts) - MAX_SHOWN_PROBLEMS} more problems"]
    return f"{source}: " + "; ".join(parts)


def read_dossier_file(path: Path) -> DossierFile:
    """Parses and validates a dossier file; IntakeError names the file and the field."""
    try:
        raw: Any = read_yaml_mapping(path)  # JSON is YAML too
    except CatalogueError as exc:
        raise IntakeError(str(exc)) from None
    try:
        return DossierFile.model_validate(raw)
    except ValidationError as exc:
        raise IntakeError(describe_validation_error(shown(str(path), 1000), exc)) from None


def store_checked(
    store: DocumentStore,
    documents: Sequence[CheckedDocument],
    before_keeping: Callable[[list[str]], None] | None = None,
    uploaded: Mapping[Path, Staged] | None = None,
) -> list[DocumentRef]:
    """Stores checked documents, all or none. Each is copied into the store first and its copy
    checked again (size and content): a file replaced between its check and its copy is refused,
    never stored as if it had passed. A document `uploaded` names (by its resolved path) is
    already a copy in the store, written and hashed as it arrived: it is checked and settled
    without a second copy. `before_keeping` sees the copies' hashes and may still refuse them
    all."""
    staged: list[Staged] = []
    try:
        for doc in documents:
            copy = (uploaded or {}).get(doc.path.resolve())
            if copy is None:
                copy = store.stage_file(doc.path, limit=doc.size)
            staged.append(copy)
            if copy.size != doc.size or content_problem(copy.path, doc.format) is not None:
                raise IntakeError(
                    f"{shown(doc.path.name, 200)} changed while it was being submitted: send it"
                    " again"
                )
        if before_keeping is not None:
            before_keeping([copy.sha256 for copy in staged])
    except BaseException:
        for copy in staged:
            store.discard(copy)
        raise
    return [
        DocumentRef(
            kind=doc.kind,
            file_name=doc.path.name,
            sha256=store.settle(copy),
            size=copy.size,
            format=doc.format,
        )
        for doc, copy in zip(documents, staged, strict=True)
    ]


def store_documents(
    specs: Iterable[tuple[str, str]],
    base_dir: Path,
    procedure: Procedure | None,
    *,
    store: DocumentStore,
    settings: Settings,
    source: str = "--doc",
) -> list[DocumentRef]:
    """Checks then stores documents given as (kind, path); nothing is stored if one is invalid."""
    checked = check_documents(specs, base_dir, procedure, settings.max_document_bytes, source)
    return store_checked(store, checked)


CODE_ATTEMPTS = 50
MAX_CODE_NUMBER = 9999  # <unit>-<YYMMDD>-<NNNN>


def history_limits(settings: Settings) -> HistoryLimits:
    """When a dossier's run continues as new (its start's memo, carried to every run)."""
    return HistoryLimits(events=settings.continue_after_events, bytes=settings.continue_after_bytes)


async def first_free_number(client: Client, taken: str) -> int:
    """The first sequence number after the taken code `taken` whose code Temporal holds no
    dossier of. Codes are handed out in order, so the taken ones run from 1 up: probe ahead by
    doubling steps, then bisect between the last taken and the first free."""
    prefix, number = taken.rsplit("-", 1)
    first = int(number)

    async def held(n: int) -> bool:
        handle = client.get_workflow_handle(f"{prefix}-{n:04d}")
        try:
            await handle.describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return False
            raise
        return True

    low, step = first, 1
    high = min(first + step, MAX_CODE_NUMBER)
    while high < MAX_CODE_NUMBER and await held(high):
        low, step = high, step * 2
        high = min(first + step, MAX_CODE_NUMBER)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if await held(middle) else (low, middle)
    return high


async def start_dossier(
    client: Client,
    submission: DossierSubmission,
    task_queue: str,
    limits: HistoryLimits | None = None,
) -> bool:
    """Starts the dossier's workflow; False when one with that code already exists. `limits`:
    when its runs continue as new (None: the workflow's defaults)."""
    procedure = submission.procedure
    try:
        await client.start_workflow(
            DossierWorkflow.run,
            submission,
            id=submission.code,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            memo={HISTORY_LIMITS_MEMO: limits} if limits is not None else None,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(sa.STATUS, DossierStatus.submitted.value),
                    SearchAttributePair(sa.PROCEDURE, procedure.code),
                    SearchAttributePair(sa.AGENCY, procedure.agency),
                ]
            ),
        )
    except WorkflowAlreadyStartedError:
        return False
    return True


@dataclass(frozen=True)
class CheckedSubmission:
    """A dossier file that passed every check, nothing written yet: the workflow input with a
    placeholder code and placeholder document hashes, and the documents to store."""

    draft: DossierSubmission
    documents: list[CheckedDocument]
    own_reference: bool


PLACEHOLDER_SHA = "0" * 64


def check_submission(
    path: Path,
    *,
    settings: Settings,
    sessions: Sessions,
    received_via: ReceptionChannel | None = None,
    received_by: str | None = None,
) -> CheckedSubmission:
    """Everything about the dossier file at `path` that can be refused, checked without writing.

    `received_via` and `received_by` (the CLI's options) stand for the file's fields of those
    names."""
    dossier = read_dossier_file(path)
    source = shown(str(path), 1000)
    return check_dossier(
        dossier,
        path.parent,
        source,
        settings=settings,
        sessions=sessions,
        received_via=received_via,
        received_by=received_by,
    )


def check_dossier(
    dossier: DossierFile,
    folder: Path,
    source: str,
    *,
    settings: Settings,
    sessions: Sessions,
    received_via: ReceptionChannel | None = None,
    received_by: str | None = None,
) -> CheckedSubmission:
    """Everything about a dossier whose documents are files in `folder` (a dossier file's own
    folder, or the API's uploads) that can be refused, checked without writing; `source` names
    it in the errors."""
    try:
        with sessions() as session:
            issuers = load_public_keys(settings.resolved_keys_dir, "issuer")
            procedure = latest_published(session, dossier.procedure, issuers)
    except CatalogueError as exc:
        raise IntakeError(f"{source}: procedure: {exc}") from None
    with sessions() as session:
        names = stored_names(session, procedure)
    via = received_via or dossier.received_via or ReceptionChannel.online
    receiver = check_receiver(sessions, procedure, via, received_by or dossier.received_by, source)
    checked = check_documents(
        ((d.kind, d.path) for d in dossier.documents),
        folder,
        procedure,
        settings.max_document_bytes,
        source,
    )
    present = {doc.kind for doc in checked}
    missing = [d.kind for d in procedure.documents if d.required and d.kind not in present]
    if missing:
        raise IntakeError(f"{source}: documents: required documents missing: {', '.join(missing)}")
    if dossier.delivery not in procedure.delivery:
        offered = ", ".join(channel.value for channel in procedure.delivery)
        raise IntakeError(
            f"{source}: delivery: procedure {procedure.code} does not deliver by "
            f"'{dossier.delivery.value}' (offered: {offered})"
        )
    if dossier.delivery == DeliveryChannel.post and dossier.applicant.address is None:
        raise IntakeError(
            f"{source}: applicant.address: a result delivered by post needs the applicant's address"
        )
    now = datetime.now(UTC)
    try:
        calendar = calendar_for(now, settings)
    except CatalogueError as exc:
        raise IntakeError(f"{source}: the working-day calendar is invalid: {exc}") from None
    try:
        draft = DossierSubmission(
            code=f"{procedure.agency}-{now.astimezone(VIETNAM):%y%m%d}-0000",
            reference=dossier.reference or PLACEHOLDER_SHA,
            procedure=procedure,
            applicant=dossier.applicant,
            documents=[
                DocumentRef(
                    kind=doc.kind,
                    file_name=doc.path.name,
                    sha256=PLACEHOLDER_SHA,
                    size=doc.size,
                    format=doc.format,
                )
                for doc in checked
            ],
            delivery=dossier.delivery,
            submitted_at=now,
            calendar=calendar,
            received_via=via,
            received_by=receiver,
            names=names,
        )
    except ValidationError as exc:  # e.g. an agency id too long for a dossier code
        raise IntakeError(describe_validation_error(f"{source} (workflow input)", exc)) from None
    return CheckedSubmission(draft, checked, own_reference=dossier.reference is not None)


async def submit_checked(
    checked: CheckedSubmission,
    *,
    settings: Settings,
    client: Client,
    sessions: Sessions,
    store: DocumentStore,
    uploaded: Mapping[Path, Staged] | None = None,
) -> IntakeResult:
    """Stores the documents (those `uploaded` already in the store: settled, not copied), then
    registers and starts the dossier checked before, sealed by intake (a workflow starts from
    nothing else)."""
    draft, procedure = checked.draft, checked.draft.procedure
    try:
        sealer = IntakeSealer.from_settings(settings)
    except IntakeKeyError as exc:
        raise IntakeError(str(exc)) from None
    contents: list[str] = []

    def same_content(hashes: list[str]) -> None:
        kinds = [doc.kind for doc in checked.documents]
        contents.append(submission_content(draft, zip(kinds, hashes, strict=True)))
        if checked.own_reference and draft.reference is not None:
            check_reference(sessions, draft.reference, contents[0])

    refs = store_checked(store, checked.documents, same_content, uploaded)
    content = contents[0]
    reference = (
        draft.reference
        if checked.own_reference and draft.reference
        else compute_reference(
            draft.applicant.id_number, procedure.code, (ref.sha256 for ref in refs)
        )
    )
    now = draft.submitted_at
    code, duplicate = register(
        sessions,
        reference,
        procedure.agency,
        now,
        renewable=not checked.own_reference,
        content=content,
    )
    if not duplicate or not started(sessions, code):
        submission = sealer.seal(
            draft.model_copy(update={"code": code, "reference": reference, "documents": refs})
        )
        for _ in range(CODE_ATTEMPTS):
            if (
                await start_dossier(
                    client, submission, settings.task_queue, history_limits(settings)
                )
                or duplicate
            ):
                break
            # Temporal already holds a dossier with this fresh code (the database was reset or
            # restored from an older backup): never merge two dossiers, take the first number
            # Temporal does not hold (found in a few lookups, however many were taken since).
            log.warning("dossier_code_taken", dossier=submission.code)
            free = await first_free_number(client, submission.code)
            code = reallocate(sessions, reference, procedure.agency, now, at_least=free)
            submission = sealer.seal(submission.model_copy(update={"code": code}))
        else:
            raise IntakeError(f"could not find a free dossier code for unit {procedure.agency}")
    return IntakeResult(
        code=code,
        duplicate=duplicate,
        procedure_code=procedure.code,
        procedure_version=procedure.version,
        documents=refs,
    )


async def submit_dossier(
    path: Path,
    *,
    settings: Settings,
    client: Client,
    sessions: Sessions,
    store: DocumentStore,
) -> IntakeResult:
    """Validates the dossier file at `path`, then stores, registers and starts the dossier."""
    checked = check_submission(path, settings=settings, sessions=sessions)
    return await submit_checked(
        checked, settings=settings, client=client, sessions=sessions, store=store
    )
