"""A real SQLite file and a real document store for each activity test."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from activities.database import SessionFactory, create_schema, make_engine, session_factory
from activities.document_store import DocumentStore
from models.dossier import Applicant, DocumentRef, DossierStatus
from models.procedure import DeliveryChannel
from models.state import ActionEntry, DossierState
from models.tables import OfficerRecord

APPLICANT = Applicant(
    name="Trần Thị Bích",
    id_number="001190054321",
    phone="0987654321",
    email="bich@example.vn",
    address="5 Lê Lợi, Huế",
)


@pytest.fixture
def sessions(tmp_path: Path) -> SessionFactory:
    engine = make_engine(f"sqlite:///{tmp_path / 'hoso.db'}")
    create_schema(engine)
    factory = session_factory(engine)
    with factory() as session:
        session.add(
            OfficerRecord(
                id="tnmt.specialist",
                name="Trần Văn Minh",
                role="specialist",
                unit="environment-office",
                agency="so-tnmt",
                email="tnmt.specialist@example.gov.vn",
            )
        )
        session.commit()
    return factory


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    return DocumentStore(tmp_path / "documents")


def dossier_state(code: str = "so-tnmt-261128-0001", actions: int = 1) -> DossierState:
    at = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    return DossierState(
        code=code,
        procedure_code="1.010733",
        procedure_version=1,
        procedure_name="Thẩm định báo cáo đánh giá tác động môi trường",
        agency="so-tnmt",
        status=DossierStatus.in_review,
        delivery=DeliveryChannel.online,
        submitted_at=at,
        stage="specialist",
        stage_unit="environment-office",
        documents=[
            DocumentRef(
                kind="eia_report", file_name="dtm.pdf", sha256="a" * 64, size=9, format="pdf"
            )
        ],
        actions=[
            ActionEntry(seq=n, stage="reception", action="accept", actor="tnmt.reception", at=at)
            for n in range(1, actions + 1)
        ],
    )
