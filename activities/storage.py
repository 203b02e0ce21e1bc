"""The projection: each dossier's state written to the database for search and reporting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import structlog
from sqlmodel import Session, func, select
from temporalio import activity

from activities.database import SessionFactory
from models.calendar import close_of_day
from models.effects import DossierProjection
from models.state import DossierState
from models.tables import ActionRecord, DocumentRecord, DossierRecord

log = structlog.get_logger()


class ProjectionActivities:
    def __init__(self, session_factory: SessionFactory) -> None:
        self._sessions = session_factory

    @activity.defn
    async def record_dossier(self, projection: DossierProjection) -> None:
        """Upserts the dossier row, its actions (by seq) and documents; a repeat adds nothing."""
        structlog.contextvars.bind_contextvars(dossier=projection.state.code)
        await asyncio.to_thread(self._record, projection)
        log.info("dossier_recorded", status=projection.state.status.value)

    def _record(self, projection: DossierProjection) -> None:
        state = projection.state
        with self._sessions() as session:
            stored_actions = session.exec(
                select(func.count())
                .select_from(ActionRecord)
                .where(ActionRecord.dossier_code == state.code)
            ).one()
            if stored_actions > len(state.actions):
                return  # an older state delivered late: the row already shows a newer one
            _upsert_dossier(session, projection)
            session.flush()
            known_seqs = set(
                session.exec(
                    select(ActionRecord.seq).where(ActionRecord.dossier_code == state.code)
                ).all()
            )
            for entry in state.actions:
                if entry.seq not in known_seqs:
                    session.add(ActionRecord(dossier_code=state.code, **entry.model_dump()))
            _add_documents(session, projection)
            session.commit()


def _upsert_dossier(session: Session, projection: DossierProjection) -> None:
    state = projection.state
    row = session.get(DossierRecord, state.code) or DossierRecord(
        code=state.code,
        reference=projection.reference,
        procedure_code=state.procedure_code,
        procedure_version=state.procedure_version,
        agency=state.agency,
        status=state.status.value,
        delivery=state.delivery.value,
        applicant_name=projection.applicant.name,
        applicant_id_number=projection.applicant.id_number,
        submitted_at=state.submitted_at,
        updated_at=datetime.now(UTC),
    )
    row.status = state.status.value
    row.stage = state.stage
    row.unit = state.stage_unit
    row.received_at = state.received_at
    row.due_date = state.due_date
    row.original_due_date = state.original_due_date
    row.received_via = state.received_via
    row.outcome = state.outcome
    row.supplement_requests = state.supplement_requests
    row.suspended_days = sum(s.working_days for s in state.suspensions)
    row.late_stages = sum(1 for visit in state.visits if visit.late)
    row.at_risk = state.at_risk
    row.overdue = state.overdue
    row.apologized = state.apology is not None
    row.on_time = _on_time(state)
    row.closed_at = state.closed_at
    row.updated_at = datetime.now(UTC)
    session.add(row)


def _on_time(state: DossierState) -> bool | None:
    """Finished by its due date (as possibly re-set once by an apology); None while open."""
    if state.closed_at is None or state.due_date is None:
        return None
    return state.closed_at <= close_of_day(state.due_date)


def _add_documents(session: Session, projection: DossierProjection) -> None:
    state = projection.state
    known = {
        (kind, sha)
        for kind, sha in session.exec(
            select(DocumentRecord.kind, DocumentRecord.sha256).where(
                DocumentRecord.dossier_code == state.code
            )
        ).all()
    }
    now = datetime.now(UTC)
    for document in state.documents:
        if (document.kind, document.sha256) not in known:
            known.add((document.kind, document.sha256))
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
            session.add(
                DocumentRecord(
                    dossier_code=state.code,
                    kind=form.kind,
                    file_name=f"{form.kind}.html",
                    sha256=form.sha256,
                    size=0,
                    format="html",
                    source="form",
                    added_at=form.issued_at,
                )
            )
