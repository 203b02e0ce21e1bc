"""Dossier codes and submission records: a code per day and unit, and one dossier per submission
while it is open (a new application once it has ended)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, update

from models.calendar import VIETNAM
from models.credentials import digest
from models.dossier import CLOSED_STATUSES, DossierStatus, DossierSubmission
from models.tables import DossierCounter, DossierRecord, SubmissionRecord
from support.errors import IntakeError

Sessions = Callable[[], Session]


def compute_reference(id_number: str, procedure_code: str, hashes: Iterable[str]) -> str:
    text = "\n".join([id_number, procedure_code, *sorted(hashes)])
    return hashlib.sha256(text.encode()).hexdigest()


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


def submission_content(draft: DossierSubmission, documents: Iterable[tuple[str, str]]) -> str:
    """What a submission holds, as one hash: its applicant, procedure, delivery channel and
    documents (kind and SHA-256). A reference sent again must hold the same."""
    return digest(
        {
            "applicant": draft.applicant.model_dump(mode="json"),
            "procedure": draft.procedure.code,
            "delivery": draft.delivery.value,
            "documents": sorted([kind, sha] for kind, sha in documents),
        }
    )


class ReferenceReused(IntakeError):
    """A portal's reference sent again with other content."""


def check_reference(sessions: Sessions, reference: str, content: str) -> None:
    """A portal's reference names one submission: sent again with other content (another
    applicant or other documents) it is refused, and what it names is not revealed."""
    with sessions() as session:
        _same_content(session.get(SubmissionRecord, reference), reference, content)


def _same_content(existing: SubmissionRecord | None, reference: str, content: str) -> None:
    if existing is not None and existing.request_sha256 not in (None, content):
        raise ReferenceReused(
            f"reference '{reference}' was already used for another submission (another applicant"
            " or other documents): a new dossier needs a reference of its own"
        )


def register(
    sessions: Sessions,
    reference: str,
    unit: str,
    now: datetime,
    *,
    renewable: bool,
    content: str | None = None,
) -> tuple[str, bool]:
    """Returns (code, duplicate): the code of an earlier submission, or a newly allocated one.

    A `renewable` reference (computed from the applicant and the documents, not a portal's) whose
    dossier has ended (withdrawn, refused, cancelled, completed) is a new application: it moves
    to a new dossier. While that dossier is open, the same submission is that dossier. `content`
    (the applicant and the documents' hashes) is kept with the reference; a portal's reference
    sent again with other content is refused.
    """
    for _ in range(3):  # a concurrent first insert of the same counter or reference: retry
        with sessions() as session:
            existing = session.get(SubmissionRecord, reference)
            if content is not None and not renewable:
                _same_content(existing, reference, content)
            if existing is not None and not (renewable and _ended(session, existing.code)):
                return existing.code, True
            try:
                code = allocate_code(session, unit, now.astimezone(VIETNAM).date())
                if existing is None:
                    session.add(
                        SubmissionRecord(
                            reference=reference,
                            code=code,
                            created_at=now,
                            request_sha256=content,
                        )
                    )
                elif not _renew(session, existing, code, now):
                    session.rollback()  # another submission renewed it first: read it again
                    continue
                session.commit()
                return code, False
            except IntegrityError:
                session.rollback()
    raise IntakeError("could not allocate a dossier code; try again")


def _ended(session: Session, code: str) -> bool:
    """The dossier is closed in the projection (one not yet recorded is still starting)."""
    dossier = session.get(DossierRecord, code)
    return dossier is not None and DossierStatus(dossier.status) in CLOSED_STATUSES


def _renew(session: Session, existing: SubmissionRecord, code: str, now: datetime) -> bool:
    """Points the reference at its new dossier, unless another submission did first."""
    moved = session.execute(
        update(SubmissionRecord)
        .where(
            col(SubmissionRecord.reference) == existing.reference,
            col(SubmissionRecord.code) == existing.code,
        )
        .values(code=code, created_at=now)
    )
    return bool(moved.rowcount)  # type: ignore[attr-defined]


def reallocate(
    sessions: Sessions, reference: str, unit: str, now: datetime, *, at_least: int = 0
) -> str:
    """Moves a submission to the next code of the day, its own being taken in Temporal; with
    `at_least`, the day's counter first skips to it (the codes before it are taken)."""
    day = now.astimezone(VIETNAM).date()
    with sessions() as session:
        record = session.get(SubmissionRecord, reference)
        assert record is not None
        if at_least:
            session.execute(
                update(DossierCounter)
                .where(
                    col(DossierCounter.unit) == unit,
                    col(DossierCounter.day) == day,
                    col(DossierCounter.last) < at_least - 1,
                )
                .values(last=at_least - 1)
            )
        record.code = allocate_code(session, unit, day)
        session.add(record)
        session.commit()
        return record.code


def started(sessions: Sessions, code: str) -> bool:
    with sessions() as session:
        return session.get(DossierRecord, code) is not None
