"""The projection holds each dossier, action and document once, however often it is written."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, select

from activities.database import SessionFactory
from activities.storage import ProjectionActivities
from models.dossier import DossierStatus
from models.projection import (
    DossierOpening,
    Marks,
    change_since,
    fold,
    opening_from_state,
    whole,
)
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


def submission_opening() -> DossierOpening:
    state = dossier_state()
    return opening_from_state(state, "ref-1", APPLICANT)


async def test_changes_in_order_write_the_dossier_and_each_row_once(
    sessions: SessionFactory,
) -> None:
    """What the workflow sends: a first change with the opening, then only what was added."""
    first = dossier_state(actions=1)
    later = first.model_copy(
        update={"actions": dossier_state(actions=3).actions, "stage": "head", "at_risk": True}
    )
    activities = ProjectionActivities(sessions)
    await activities.record_change(change_since(first, Marks(), submission_opening()))
    change = change_since(later, Marks.of(first))
    assert [a.seq for a in change.actions] == [2, 3] and change.documents == []
    await activities.record_change(change)
    await activities.record_change(change)  # a retry adds nothing
    dossier, seqs, documents = stored(sessions)
    assert (dossier.stage, dossier.at_risk, dossier.reference) == ("head", True, "ref-1")
    assert dossier.applicant_name == APPLICANT.name
    assert seqs == [1, 2, 3] and [d.kind for d in documents] == ["eia_report"]


async def test_a_late_older_change_adds_its_rows_but_does_not_roll_the_row_back(
    sessions: SessionFactory,
) -> None:
    older = dossier_state(actions=2)
    newer = dossier_state(actions=3).model_copy(update={"stage": "head"})
    activities = ProjectionActivities(sessions)
    await activities.record_change(change_since(newer, Marks(), submission_opening()))
    await activities.record_change(change_since(older, Marks()))
    dossier, seqs, _ = stored(sessions)
    assert dossier.stage == "head" and seqs == [1, 2, 3]


async def test_a_change_for_a_dossier_without_its_row_or_opening_is_refused(
    sessions: SessionFactory,
) -> None:
    with pytest.raises(ValueError, match="no row yet and no opening"):
        await ProjectionActivities(sessions).record_change(change_since(dossier_state(), Marks()))
    with sessions() as session:
        assert session.exec(select(ActionRecord)).all() == []  # nothing half-written


def test_folding_changes_gives_the_whole_state() -> None:
    states = [dossier_state(actions=n).model_copy(update={"stage": s}) for n, s in
              ((1, "specialist"), (2, "head"), (4, "leader"))]  # fmt: skip
    folded, marks = None, Marks()
    for state in states:
        folded = fold(folded, change_since(state, marks, submission_opening()))
        marks = Marks.of(state)
    assert folded == whole(states[-1], submission_opening())
