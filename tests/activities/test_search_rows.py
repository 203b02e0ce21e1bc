"""The search (`hoso list`) read from the projection: the caller's reach, the filters, and the
soonest due first across pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from activities.database import SessionFactory
from config import Settings
from models.officer import OfficerIdentity
from operations.access import Caller
from operations.search import DossierFilter, count, search
from support.dossier_queries import FilterError
from tests.activities.test_worklist_rows import at_specialist, record

SPECIALIST = OfficerIdentity(
    id="tnmt.specialist", role="specialist", unit="environment-office", agency="so-tnmt"
)
OTHER = OfficerIdentity(id="xd.specialist", role="specialist", unit="licensing", agency="so-xd")
PROVINCE = OfficerIdentity(id="hcc.operator", role="operator", unit="ops", agency="trung-tam-hcc")


def found(
    sessions: SessionFactory,
    settings: Settings,
    officer: OfficerIdentity,
    size: int = 50,
    **wanted: object,
) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        page = search(
            sessions,
            settings,
            Caller(officer=officer, token_id="t"),
            DossierFilter(**wanted),
            cursor=cursor,
            size=size,
        )
        seen += [item.code for item in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor
    raise AssertionError("the pages never ended")


def test_search_sorts_across_pages_within_the_callers_reach(
    sessions: SessionFactory, settings: Settings
) -> None:
    today = datetime.now(UTC).date()
    dues = [today + timedelta(days=d) for d in (8, 2, 5, 2)]
    for n, due in enumerate(dues):
        record(sessions, at_specialist(f"so-tnmt-000000-{n:04d}", due))
    undated = at_specialist("so-tnmt-000000-0009", today).model_copy(update={"due_date": None})
    record(sessions, undated)
    expected = [c for _, c in sorted((d, f"so-tnmt-000000-{n:04d}") for n, d in enumerate(dues))]

    assert found(sessions, settings, SPECIALIST, size=2) == [*expected, undated.code]
    assert found(sessions, settings, PROVINCE, size=3) == [*expected, undated.code]
    assert found(sessions, settings, OTHER) == []
    assert (
        found(sessions, settings, SPECIALIST, due_before=today + timedelta(days=3)) == expected[:2]
    )
    caller = Caller(officer=SPECIALIST, token_id="t")
    assert count(sessions, settings, caller, DossierFilter(role="specialist")).count == 5
    with pytest.raises(FilterError, match="--agency"):
        found(sessions, settings, SPECIALIST, agency="x' OR '1'='1")
