"""The projection holds each dossier, action and document once, however often it is written."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import col, select

from activities.database import SessionFactory
from activities.storage import ProjectionActivities
from models.dossier import DossierStatus
from models.state import FormRef
from models.tables import ActionRecord, DocumentRecord, DossierRecord
from tests.activities.conftest import APPLICANT, CODE, dossier_state, projection


def stored(sessions: SessionFactory) -> tuple[DossierRecord, list[int], list[DocumentRecord]]:
    with sessions() as session:
        dossier = session.get(DossierRecord, CODE)
        assert dossier is not None
        seqs = list(session.exec(select(ActionRecord.seq).order_by(col(ActionRecord.seq))).all())
        documents = list(
            session.exec(select(DocumentRecord).order_by(col(DocumentRecord.kind))).all()
        )
    return dossier, seqs, documents


async def test_recording_a_dossier_twice_writes_each_row_once(sessions: SessionFactory) -> None:
    activities = ProjectionActivities(sessions)
    await activities.record_dossier(projection(dossier_state(actions=2)))
    await activities.record_dossier(projection(dossier_state(actions=2)))

    dossier, seqs, documents = stored(sessions)
    assert (dossier.status, dossier.stage, dossier.unit) == (
        "in_review",
        "specialist",
        "environment-office",
    )
    assert dossier.reference == "ref-1" and dossier.applicant_name == APPLICANT.name
    assert dossier.applicant_id_number == APPLICANT.id_number
    assert seqs == [1, 2]
    assert [(d.kind, d.source, d.file_name) for d in documents] == [
        ("eia_report", "applicant", "dtm.pdf")
    ]


async def test_a_newer_state_moves_the_row_and_adds_only_the_new_actions(
    sessions: SessionFactory,
) -> None:
    activities = ProjectionActivities(sessions)
    await activities.record_dossier(projection(dossier_state(actions=2)))
    await activities.record_dossier(
        projection(dossier_state(actions=3), stage="head", supplement_requests=1)
    )
    dossier, seqs, _ = stored(sessions)
    assert dossier.stage == "head" and dossier.supplement_requests == 1
    assert seqs == [1, 2, 3]


async def test_a_late_older_state_does_not_roll_the_row_back(sessions: SessionFactory) -> None:
    activities = ProjectionActivities(sessions)
    await activities.record_dossier(projection(dossier_state(actions=3), stage="head"))
    await activities.record_dossier(projection(dossier_state(actions=2)))
    dossier, seqs, _ = stored(sessions)
    assert dossier.stage == "head" and seqs == [1, 2, 3]


async def test_updated_at_moves_only_when_something_changed(sessions: SessionFactory) -> None:
    activities = ProjectionActivities(sessions)
    await activities.record_dossier(projection())
    first = stored(sessions)[0].updated_at
    await activities.record_dossier(projection())
    assert stored(sessions)[0].updated_at == first
    await activities.record_dossier(projection(at_risk=True))
    dossier = stored(sessions)[0]
    assert dossier.at_risk and dossier.updated_at > first


async def test_issued_forms_join_the_dossier_documents(sessions: SessionFactory) -> None:
    receipt = FormRef(
        kind="receipt", sha256="c" * 64, issued_at=datetime(2026, 11, 28, 3, 5, tzinfo=UTC)
    )
    activities = ProjectionActivities(sessions)
    await activities.record_dossier(projection(forms=[receipt]))
    await activities.record_dossier(projection(forms=[receipt]))
    documents = stored(sessions)[2]
    assert [(d.kind, d.source, d.file_name, d.format) for d in documents] == [
        ("eia_report", "applicant", "dtm.pdf", "pdf"),
        ("receipt", "form", "receipt.pdf", "pdf"),
    ]


async def test_a_closed_dossier_is_scored_on_time_against_its_due_date(
    sessions: SessionFactory,
) -> None:
    activities = ProjectionActivities(sessions)
    await activities.record_dossier(
        projection(
            status=DossierStatus.completed,
            stage=None,
            outcome="approved",
            due_date=date(2027, 1, 12),
            closed_at=datetime(2027, 1, 12, 8, 0, tzinfo=UTC),  # 15:00 in Hà Nội, that day
        )
    )
    dossier = stored(sessions)[0]
    assert dossier.status == "completed" and dossier.outcome == "approved"
    assert dossier.on_time is True and dossier.closed_at is not None
