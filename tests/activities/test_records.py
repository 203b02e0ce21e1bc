"""The projection, the forms and the hand-over write each thing once, however often retried."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select
from temporalio.exceptions import ApplicationError

from activities.database import SessionFactory
from activities.delivery import DeliveryActivities
from activities.document_store import DocumentStore
from activities.forms import FormActivities
from activities.storage import ProjectionActivities
from models.effects import DossierProjection, FormRequest, ResultDelivery
from models.procedure import DeliveryChannel
from models.tables import ActionRecord, DeliveryRecord, DocumentRecord, DossierRecord
from tests.activities.conftest import APPLICANT, dossier_state


def projection(actions: int) -> DossierProjection:
    return DossierProjection(
        state=dossier_state(actions=actions), reference="ref-1", applicant=APPLICANT
    )


async def test_recording_a_dossier_twice_writes_each_row_once(sessions: SessionFactory) -> None:
    activities = ProjectionActivities(sessions)
    await activities.record_dossier(projection(actions=2))
    await activities.record_dossier(projection(actions=2))
    await activities.record_dossier(projection(actions=3))
    with sessions() as session:
        dossier = session.get(DossierRecord, "so-tnmt-261128-0001")
        actions = session.exec(select(ActionRecord)).all()
        documents = session.exec(select(DocumentRecord)).all()
    assert dossier is not None and dossier.status == "in_review" and dossier.stage == "specialist"
    assert [a.seq for a in actions] == [1, 2, 3]
    assert len(documents) == 1


async def test_a_late_older_state_does_not_roll_the_row_back(sessions: SessionFactory) -> None:
    activities = ProjectionActivities(sessions)
    newer = projection(actions=3)
    newer = newer.model_copy(update={"state": newer.state.model_copy(update={"stage": "head"})})
    await activities.record_dossier(newer)
    await activities.record_dossier(projection(actions=2))
    with sessions() as session:
        assert session.get(DossierRecord, "so-tnmt-261128-0001").stage == "head"  # type: ignore[union-attr]


def receipt_request(**context: str) -> FormRequest:
    return FormRequest(
        key="so-tnmt-261128-0001:5:receipt",
        dossier_code="so-tnmt-261128-0001",
        kind="receipt",
        issued_at=datetime(2026, 11, 28, 2, 30, tzinfo=UTC),
        context={"applicant_name": APPLICANT.name, "due_date": "2027-01-12", **context},
    )


async def test_receipt_is_issued_once_with_its_due_date_in_vietnamese(
    sessions: SessionFactory, store: DocumentStore
) -> None:
    activities = FormActivities(sessions, store)
    first = await activities.issue_form(receipt_request(procedure_name="Thẩm định ĐTM"))
    again = await activities.issue_form(receipt_request(procedure_name="Thẩm định ĐTM"))
    assert first == again
    html = store.read(first.sha256).decode("utf-8")
    assert "PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html
    assert "2027-01-12" in html and "Trần Thị Bích" in html
    assert "09:30 ngày 28/11/2026" in html  # issued at 02:30 UTC, printed in Vietnam time
    with sessions() as session:
        rows = session.exec(select(DocumentRecord).where(DocumentRecord.source == "form")).all()
    assert len(rows) == 1 and rows[0].sha256 == first.sha256


async def test_applicant_text_cannot_inject_markup_into_a_form(
    sessions: SessionFactory, store: DocumentStore
) -> None:
    activities = FormActivities(sessions, store)
    form = await activities.issue_form(
        receipt_request(applicant_name="<script>alert('x')</script>")
    )
    html = store.read(form.sha256).decode("utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html


async def test_result_by_post_is_handed_over_once_with_one_tracking_number(
    sessions: SessionFactory,
) -> None:
    activities = DeliveryActivities(sessions)
    delivery = ResultDelivery(
        key="so-tnmt-261128-0001:9:delivery",
        dossier_code="so-tnmt-261128-0001",
        channel=DeliveryChannel.post,
        form_sha256="b" * 64,
        address=APPLICANT.address,
    )
    first = await activities.deliver_result(delivery)
    again = await activities.deliver_result(delivery)
    assert first == again and first.needs_confirmation
    assert first.tracking and first.tracking.startswith("VN") and len(first.tracking) == 13
    with sessions() as session:
        assert len(session.exec(select(DeliveryRecord)).all()) == 1


async def test_post_without_an_address_fails_for_good(sessions: SessionFactory) -> None:
    activities = DeliveryActivities(sessions)
    with pytest.raises(ApplicationError) as failure:
        await activities.deliver_result(
            ResultDelivery(
                key="k",
                dossier_code="so-tnmt-261128-0001",
                channel=DeliveryChannel.post,
                form_sha256="b" * 64,
            )
        )
    assert failure.value.type == "MissingAddress" and failure.value.non_retryable


def test_document_store_keeps_bytes_by_hash_and_refuses_paths(store: DocumentStore) -> None:
    sha = store.put(b"%PDF-1.4 bao cao")
    assert store.put(b"%PDF-1.4 bao cao") == sha and store.verify(sha)
    store.path(sha).write_bytes(b"replaced")
    assert not store.verify(sha)
    with pytest.raises(ValueError, match="not a SHA-256"):
        store.read("../../etc/passwd")
