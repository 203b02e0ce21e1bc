"""A real projection database of the test's own, and dossier rows with known dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from activities.database import create_schema, make_engine
from config import Settings
from models.calendar import VIETNAM, WorkingCalendar
from models.tables import DossierRecord
from support.calendars import resolve_calendar
from tests.cli.api_server import operator_host  # noqa: F401 (a fixture)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return resolve_calendar(2025, 2027)


def ict(text: str) -> datetime:
    """A Vietnam local time 'YYYY-MM-DD HH:MM', in UTC as activities write it."""
    return datetime.fromisoformat(text).replace(tzinfo=VIETNAM).astimezone(UTC)


def dossier(code: str, agency: str, procedure: str, received: str, **fields: Any) -> DossierRecord:
    """A projection row: received at `received` (ICT); open unless `closed` (ICT) is given."""
    closed = fields.pop("closed", None)
    due = fields.pop("due", None)
    values: dict[str, Any] = {
        "code": code,
        "reference": f"ref-{code}",
        "procedure_code": procedure,
        "procedure_version": 1,
        "agency": agency,
        "status": "in_review",
        "delivery": "online",
        "applicant_name": "Nguyễn Thị Hồng",
        "applicant_id_number": "001190012345",
        "submitted_at": ict(received),
        "received_at": ict(received),
        "due_date": date.fromisoformat(due) if due else None,
        "closed_at": ict(closed) if closed else None,
        "updated_at": datetime.now(UTC),
    }
    return DossierRecord(**(values | fields))
