"""A real database (a SQLite file, or PostgreSQL when the suite is pointed at one), a real
document store and a real SMTP server for the activity tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from activities.database import SessionFactory, create_schema, make_engine, session_factory
from activities.document_store import DocumentStore
from models.dossier import Applicant, DocumentRef, DossierStatus
from models.effects import DossierProjection
from models.procedure import DeliveryChannel
from models.state import ActionEntry, DossierState
from models.tables import OfficerRecord
from support.devserver import free_port

CODE = "so-tnmt-261128-0001"
APPLICANT = Applicant(
    name="Trần Thị Bích",
    id_number="001190054321",
    phone="0987654321",
    email="bich@example.vn",
    address="5 Lê Lợi, Huế",
)


@pytest.fixture
def sessions(database_url: str) -> Iterator[SessionFactory]:
    engine = make_engine(database_url)
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
    yield factory
    engine.dispose()


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    return DocumentStore(tmp_path / "documents")


class Inbox:
    """What the SMTP server received: (envelope recipients, parsed message) per mail."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a free local port, stopped after the test."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def dossier_state(code: str = CODE, actions: int = 1) -> DossierState:
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


def projection(state: DossierState | None = None, **changes: Any) -> DossierProjection:
    """The projection of `state` (default: a dossier in review), with `changes` to its state."""
    state = (state or dossier_state()).model_copy(update=changes)
    return DossierProjection(state=state, reference="ref-1", applicant=APPLICANT)


def specialist(officer_id: str, *, active: bool = True) -> OfficerRecord:
    """A specialist of so-tnmt's environment office, mailed at `<id>@example.gov.vn`."""
    return OfficerRecord(
        id=officer_id,
        name="Lê Văn Nam",
        role="specialist",
        unit="environment-office",
        agency="so-tnmt",
        email=f"{officer_id}@example.gov.vn",
        active=active,
    )
