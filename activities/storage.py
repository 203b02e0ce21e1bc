"""The projection: each dossier's state written to the database for search and reporting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlmodel import Session, select
from temporalio import activity

from activities.database import SessionFactory
from activities.form_rendering import FORM_FORMAT
from models.calendar import close_of_day
from models.effects import DossierProjection
from models.state import DossierState
from models.tables import ActionRecord, DocumentRecord, DossierRecord, RecordEntryRecord

log = structlog.get_logger()


class ProjectionActivities:
    def __init__(self, session_factory: SessionFactory) -> None:
        self._sessions = session_factory

    @activity.defn
    async def record_dossier(self, projection: DossierProjection) -> None:
        """Upserts the dossier row, its actions (by seq), documents and record entries (by n); a
        repeat adds nothing."""
        state = projection.state
        structlog.contextvars.bind_contextvars(dossier=state.code)
        if await asyncio.to_thread(self._record, projection):
            log.info("dossier_recorded", status=state.status.value, actions=len(state.actions))
        else:
            log.info("stale_projection_ignored", actions=len(state.actions))

    def _record(self, projection: DossierProjection) -> bool:
        return record_projection(self._sessions, projection)


def record_projection(sessions: SessionFactory, projection: DossierProjection) -> bool:
    """Writes the projection in one transaction; False when an older state came in late.

    Shared by the activity and by `hoso rebuild`, so a rebuilt projection is the same rows.
    """
    state = projection.state
    with sessions() as session:
        known_seqs = set(
            session.exec(
                select(ActionRecord.seq).where(ActionRecord.dossier_code == state.code)
            ).all()
        )
        if len(known_seqs) > len(state.actions):
            return False  # the row already shows a newer state
        changed = _upsert_dossier(session, projection)
        session.flush()  # the dossier row exists before its actions point at it
        for entry in state.actions:
            if entry.seq not in known_seqs:
                session.add(ActionRecord(dossier_code=state.code, **entry.model_dump()))
                changed = True
        changed = _add_documents(session, projection) or changed
        changed = _add_record(session, state) or changed
        if changed:
            row = session.get(DossierRecord, state.code)
            assert row is not None
            row.updated_at = datetime.now(UTC)
            session.add(row)
        session.commit()
        return True


def dossier_fields(state: DossierState) -> dict[str, Any]:
    """The dossier row's columns that follow the state (`hoso verify` compares them too)."""
    return {
        "status": state.status.value,
        "stage": state.stage,
        "unit": state.stage_unit,
        "received_at": state.received_at,
        "due_date": state.due_date,
        "original_due_date": state.original_due_date,
        "received_via": state.received_via,
        "outcome": state.outcome,
        "supplement_requests": state.supplement_requests,
        "suspended_days": sum(s.working_days for s in state.suspensions),
        "late_stages": sum(1 for visit in state.visits if visit.late),
        "at_risk": state.at_risk,
        "overdue": state.overdue,
        "apologized": state.apology is not None,
        "on_time": _on_time(state),
        "closed_at": state.closed_at,
    }


def _upsert_dossier(session: Session, projection: DossierProjection) -> bool:
    """Creates or updates the dossier row; True when a field changed."""
    state = projection.state
    fields = dossier_fields(state)
    row = session.get(DossierRecord, state.code)
    if row is None:
        session.add(
            DossierRecord(
                code=state.code,
                reference=projection.reference,
                procedure_code=state.procedure_code,
                procedure_version=state.procedure_version,
                agency=state.agency,
                delivery=state.delivery.value,
                applicant_name=projection.applicant.name,
                applicant_id_number=projection.applicant.id_number,
                submitted_at=state.submitted_at,
                updated_at=datetime.now(UTC),
                **fields,
            )
        )
        return True
    changed = False
    for name, value in fields.items():
        if not same(getattr(row, name), value):
            setattr(row, name, value)
            changed = True
    if changed:
        session.add(row)
    return changed


def same(stored: object, value: object) -> bool:
    """Equal, with SQLite's naive datetimes read back as the UTC they were written in."""
    if isinstance(stored, datetime) and isinstance(value, datetime):
        if stored.tzinfo is None:
            stored = stored.replace(tzinfo=UTC)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
    return stored == value


def _on_time(state: DossierState) -> bool | None:
    """Finished by its due date (as possibly re-set once by an apology); None while open."""
    if state.closed_at is None or state.due_date is None:
        return None
    return state.closed_at <= close_of_day(state.due_date)


def _add_documents(session: Session, projection: DossierProjection) -> bool:
    """Adds the documents and forms not registered yet; True when one was added."""
    state = projection.state
    known = {
        (kind, sha)
        for kind, sha in session.exec(
            select(DocumentRecord.kind, DocumentRecord.sha256).where(
                DocumentRecord.dossier_code == state.code
            )
        ).all()
    }
    now, added = datetime.now(UTC), False
    for document in state.documents:
        if (document.kind, document.sha256) not in known:
            known.add((document.kind, document.sha256))
            added = True
            session.add(
                DocumentRecord(
                    dossier_code=state.code,
                    source="applicant",
                    added_at=now,
                    **document.model_dump(),
                )
            )
    for form in state.forms:
        if (form.kind, form.sha256) not in known:
            known.add((form.kind, form.sha256))
            added = True
            session.add(  # issue_form registers it first with its size; this is the fallback
                DocumentRecord(
                    dossier_code=state.code,
                    kind=form.kind,
                    file_name=f"{form.kind}.{FORM_FORMAT}",
                    sha256=form.sha256,
                    size=0,
                    format=FORM_FORMAT,
                    source="form",
                    added_at=form.issued_at,
                    seal=form.seal.model_dump(mode="json") if form.seal else None,
                )
            )
    return added


def _add_record(session: Session, state: DossierState) -> bool:
    """Appends the record entries not projected yet (never rewrites one); True when added."""
    known = set(
        session.exec(
            select(RecordEntryRecord.n).where(RecordEntryRecord.dossier_code == state.code)
        ).all()
    )
    added = False
    for entry in state.record:
        if entry.n not in known:
            added = True
            session.add(RecordEntryRecord(dossier_code=state.code, **entry.model_dump()))
    return added
