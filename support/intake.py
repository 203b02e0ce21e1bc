"""Submission at the edge (tiếp nhận hồ sơ): validate a dossier file, store its documents,
allocate the dossier code and start its workflow.

Nothing is written and nothing is started when validation fails. The submission record (one per
reference) makes a repeat return the first code instead of a second dossier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import structlog
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, update
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.document_store import DocumentStore
from config import Settings
from models.calendar import VIETNAM
from models.dossier import Applicant, DocumentRef, DossierStatus, DossierSubmission
from models.procedure import DeliveryChannel, Identifier, Procedure, ProcedureCode
from models.tables import DossierCounter, DossierRecord, SubmissionRecord
from support.calendars import calendar_for
from support.catalogue import latest_procedure
from support.errors import CatalogueError
from workflows import search_attributes as sa
from workflows.dossier import DossierWorkflow

log = structlog.get_logger()

Sessions = Callable[[], Session]


class IntakeError(ValueError):
    """A submission refused at the edge; the message names the file and the field."""


class DocumentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Identifier
    path: Annotated[str, Field(min_length=1, max_length=1000)]


class DossierFile(BaseModel):
    """What a dossier file (YAML or JSON) holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    procedure: ProcedureCode
    applicant: Applicant
    documents: list[DocumentEntry] = Field(min_length=1)
    delivery: DeliveryChannel
    reference: Annotated[str, Field(min_length=1, max_length=128)] | None = None


class IntakeResult(BaseModel):
    code: str
    duplicate: bool
    procedure_code: str
    procedure_version: int
    documents: list[DocumentRef]


def describe_validation_error(source: str, exc: ValidationError) -> str:
    """`source: field.path: message` for each error, on one line."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        parts.append(f"{where}: {message}")
    return f"{source}: " + "; ".join(parts)


def read_dossier_file(path: Path) -> DossierFile:
    """Parses and validates a dossier file; IntakeError names the file and the field."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML too
    except OSError as exc:
        raise IntakeError(f"{path}: cannot read the file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise IntakeError(f"{path}: not valid YAML or JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise IntakeError(f"{path}: expected a mapping of fields at the top level")
    try:
        return DossierFile.model_validate(raw)
    except ValidationError as exc:
        raise IntakeError(describe_validation_error(str(path), exc)) from exc


class CheckedDocument(BaseModel):
    kind: str
    path: Path
    size: int
    format: str


def check_documents(
    entries: Iterable[tuple[str, str]],
    base_dir: Path,
    procedure: Procedure | None,
    max_bytes: int,
    source: str,
) -> list[CheckedDocument]:
    """Checks each (kind, path): inside `base_dir`, a non-empty file under the size limit, a kind
    the procedure declares (any kind when `procedure` is None) in one of its formats."""
    specs = {doc.kind: doc for doc in procedure.documents} if procedure else {}
    root = base_dir.resolve()
    checked = []
    for index, (kind, raw_path) in enumerate(entries):
        where = f"{source}: documents.{index} ({kind})"
        path = (root / raw_path).resolve()
        if not path.is_relative_to(root):
            raise IntakeError(f"{where}: path '{raw_path}' is outside the folder {root}")
        if not path.is_file():
            raise IntakeError(f"{where}: file '{raw_path}' does not exist")
        size = path.stat().st_size
        if size == 0:
            raise IntakeError(f"{where}: file '{raw_path}' is empty")
        if size > max_bytes:
            raise IntakeError(
                f"{where}: file '{raw_path}' is {size} bytes, over the limit of {max_bytes}"
            )
        fmt = path.suffix.lower().lstrip(".")
        if procedure is not None:
            spec = specs.get(kind)
            if spec is None:
                raise IntakeError(
                    f"{where}: procedure {procedure.code} declares no document kind '{kind}' "
                    f"(declared: {', '.join(specs)})"
                )
            if fmt not in spec.formats:
                raise IntakeError(
                    f"{where}: '{raw_path}' is not in an accepted format for '{kind}' "
                    f"({', '.join(spec.formats)})"
                )
        elif not fmt:
            raise IntakeError(f"{where}: '{raw_path}' has no file extension")
        checked.append(CheckedDocument(kind=kind, path=path, size=size, format=fmt))
    return checked


def _put(store: DocumentStore, documents: Sequence[CheckedDocument]) -> list[DocumentRef]:
    refs = []
    for doc in documents:
        sha, size = store.put_file(doc.path)
        refs.append(
            DocumentRef(
                kind=doc.kind, file_name=doc.path.name, sha256=sha, size=size, format=doc.format
            )
        )
    return refs


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
    return _put(store, checked)


def compute_reference(id_number: str, procedure_code: str, hashes: Iterable[str]) -> str:
    text = "\n".join([id_number, procedure_code, *sorted(hashes)])
    return hashlib.sha256(text.encode()).hexdigest()


CODE_ATTEMPTS = 50


def allocate_code(session: Session, unit: str, day: date) -> str:
    """The next `<unit>-<YYMMDD>-<NNNN>` of the day, in the caller's transaction."""
    bumped = session.execute(
        update(DossierCounter)
        .where(col(DossierCounter.unit) == unit, col(DossierCounter.day) == day)
        .values(last=col(DossierCounter.last) + 1)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        session.add(DossierCounter(unit=unit, day=day, last=1))
        session.flush()
    counter = session.get(DossierCounter, (unit, day))
    assert counter is not None
    session.refresh(counter)
    if counter.last > 9999:
        raise IntakeError(f"unit {unit} has used all 9999 dossier codes of {day.isoformat()}")
    return f"{unit}-{day:%y%m%d}-{counter.last:04d}"


def _register(sessions: Sessions, reference: str, unit: str, now: datetime) -> tuple[str, bool]:
    """Returns (code, duplicate): the code of an earlier submission, or a newly allocated one."""
    for _ in range(3):  # a concurrent first insert of the same counter or reference: retry
        with sessions() as session:
            existing = session.get(SubmissionRecord, reference)
            if existing is not None:
                return existing.code, True
            try:
                code = allocate_code(session, unit, now.astimezone(VIETNAM).date())
                session.add(SubmissionRecord(reference=reference, code=code, created_at=now))
                session.commit()
                return code, False
            except IntegrityError:
                session.rollback()
    raise IntakeError("could not allocate a dossier code; try again")


def _reallocate(sessions: Sessions, reference: str, unit: str, now: datetime) -> str:
    """Moves a submission to the next code of the day, its own being taken in Temporal."""
    with sessions() as session:
        record = session.get(SubmissionRecord, reference)
        assert record is not None  # noqa: S101 - registered just before
        record.code = allocate_code(session, unit, now.astimezone(VIETNAM).date())
        session.add(record)
        session.commit()
        return record.code


def _started(sessions: Sessions, code: str) -> bool:
    with sessions() as session:
        return session.get(DossierRecord, code) is not None


async def start_dossier(client: Client, submission: DossierSubmission, task_queue: str) -> bool:
    """Starts the dossier's workflow; False when one with that code already exists."""
    procedure = submission.procedure
    try:
        await client.start_workflow(
            DossierWorkflow.run,
            submission,
            id=submission.code,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
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


async def submit_dossier(
    path: Path,
    *,
    settings: Settings,
    client: Client,
    sessions: Sessions,
    store: DocumentStore,
) -> IntakeResult:
    """Validates the dossier file at `path`, then registers and starts the dossier."""
    dossier = read_dossier_file(path)
    source = str(path)
    try:
        with sessions() as session:
            procedure = latest_procedure(session, dossier.procedure)
    except CatalogueError as exc:
        raise IntakeError(f"{source}: procedure: {exc}") from exc
    checked = check_documents(
        ((d.kind, d.path) for d in dossier.documents),
        path.parent,
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

    refs = _put(store, checked)
    reference = dossier.reference or compute_reference(
        dossier.applicant.id_number, procedure.code, (ref.sha256 for ref in refs)
    )
    now = datetime.now(UTC)
    code, duplicate = _register(sessions, reference, procedure.agency, now)
    if not duplicate or not _started(sessions, code):
        submission = DossierSubmission(
            code=code,
            reference=reference,
            procedure=procedure,
            applicant=dossier.applicant,
            documents=refs,
            delivery=dossier.delivery,
            submitted_at=now,
            calendar=calendar_for(now, settings),
        )
        for _ in range(CODE_ATTEMPTS):
            if await start_dossier(client, submission, settings.task_queue) or duplicate:
                break
            # Temporal already holds a dossier with this fresh code (the database was reset or
            # restored from an older backup): never merge two dossiers, take the next number.
            log.warning("dossier_code_taken", dossier=submission.code)
            code = _reallocate(sessions, reference, procedure.agency, now)
            submission = submission.model_copy(update={"code": code})
        else:
            raise IntakeError(f"could not find a free dossier code for unit {procedure.agency}")
    return IntakeResult(
        code=code,
        duplicate=duplicate,
        procedure_code=procedure.code,
        procedure_version=procedure.version,
        documents=refs,
    )
