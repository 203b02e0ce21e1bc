"""The worklist read from the projection: who each open dossier waits for, written with its row,
and read soonest due first across pages, for the caller only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from activities.database import SessionFactory
from activities.storage import record_change
from models.dossier import DossierStatus
from models.officer import OfficerIdentity
from models.projection import opening_from_state, whole
from models.state import Council, CouncilVote, DossierState
from models.tables import WaitingRecord
from operations.access import Caller
from operations.paging import BadCursor, keyset_cursor
from operations.worklist import FilterError, WorklistFilter, worklist
from tests.activities.conftest import APPLICANT, dossier_state

SPECIALIST = OfficerIdentity(
    id="tnmt.specialist", role="specialist", unit="environment-office", agency="so-tnmt"
)
OTHER_UNIT = OfficerIdentity(id="tnmt.lawyer", role="specialist", unit="legal", agency="so-tnmt")
BUILDER = OfficerIdentity(id="xd.specialist", role="specialist", unit="licensing", agency="so-xd")
MEMBER = OfficerIdentity(id="hd.expert-1", role="expert", unit="council", agency="so-tnmt")
CHAIR = OfficerIdentity(id="hd.chair", role="leader", unit="council", agency="so-tnmt")


def caller(officer: OfficerIdentity) -> Caller:
    return Caller(officer=officer, token_id="t")


def at_specialist(code: str, due: date, **changes: object) -> DossierState:
    state = dossier_state(code).model_copy(
        update={"due_date": due, "stage_role": "specialist", **changes}
    )
    return state


def record(sessions: SessionFactory, state: DossierState) -> None:
    record_change(sessions, whole(state, opening_from_state(state, "ref-" + state.code, APPLICANT)))


def codes(sessions: SessionFactory, officer: OfficerIdentity, size: int = 50) -> list[str]:
    """Every page of the officer's worklist, in order."""
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        page = worklist(sessions, caller(officer), WorklistFilter(), cursor=cursor, size=size)
        seen += [item.code for item in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor
    raise AssertionError("the pages never ended")


def test_the_soonest_due_comes_first_whatever_page_it_was_recorded_on(
    sessions: SessionFactory,
) -> None:
    today = datetime.now(UTC).date()
    dues = [today + timedelta(days=d) for d in (9, 3, 7, 1, 5, 3)]
    for n, due in enumerate(dues):
        record(sessions, at_specialist(f"so-tnmt-000000-{n:04d}", due))
    expected = [c for _, c in sorted((d, f"so-tnmt-000000-{n:04d}") for n, d in enumerate(dues))]

    assert codes(sessions, SPECIALIST, size=2) == expected
    assert codes(sessions, SPECIALIST, size=50) == expected
    assert codes(sessions, OTHER_UNIT) == [] and codes(sessions, BUILDER) == []


def test_a_closed_dossier_leaves_the_worklist(sessions: SessionFactory) -> None:
    state = at_specialist("so-tnmt-000000-0001", datetime.now(UTC).date())
    record(sessions, state)
    assert codes(sessions, SPECIALIST) == [state.code]
    closed = state.model_copy(
        update={"status": DossierStatus.completed, "closed_at": datetime.now(UTC)}
    )
    record(sessions, closed)
    assert codes(sessions, SPECIALIST) == []
    with sessions() as session:
        assert session.exec(select(WaitingRecord)).all() == []


def test_consultations_and_councils_wait_for_those_not_yet_answered(
    sessions: SessionFactory,
) -> None:
    now = datetime.now(UTC)
    consulted = dossier_state("so-tnmt-000000-0002").model_copy(
        update={"stage": "consult", "stage_unit": None, "awaiting_agencies": ["so-xd"]}
    )
    council = Council(
        stage="council",
        convened_by="tnmt.head",
        convened_at=now,
        chair="hd.chair",
        members=["hd.chair", "hd.expert-1"],
        votes=[CouncilVote(member="hd.chair", verdict="pass", at=now)],
    )
    sitting = dossier_state("so-tnmt-000000-0003").model_copy(
        update={"stage": "council", "stage_unit": None, "councils": [council]}
    )
    record(sessions, consulted)
    record(sessions, sitting)
    page = worklist(sessions, caller(BUILDER), WorklistFilter())
    assert [(i.code, i.waiting) for i in page.items] == [(consulted.code, "consultation")]
    page = worklist(sessions, caller(MEMBER), WorklistFilter())
    assert [(i.code, i.waiting) for i in page.items] == [(sitting.code, "council")]
    page = worklist(sessions, caller(CHAIR), WorklistFilter())
    assert [(i.code, i.waiting) for i in page.items] == [(sitting.code, "chair")], (
        "the chair has voted: the council waits for their conclusion"
    )
    assert codes(sessions, SPECIALIST) == []

    answered = consulted.model_copy(update={"awaiting_agencies": []})
    voted = council.model_copy(
        update={"votes": [*council.votes, CouncilVote(member=MEMBER.id, verdict="pass", at=now)]}
    )
    record(sessions, answered)
    record(sessions, sitting.model_copy(update={"councils": [voted]}))
    assert codes(sessions, BUILDER) == [] and codes(sessions, MEMBER) == []
    assert codes(sessions, CHAIR) == [], "every member voted: nothing left to conclude"


def test_a_cursor_not_given_by_the_api_is_refused(sessions: SessionFactory) -> None:
    for bad in ("!!!", "aGVsbG8", keyset_cursor(date.today(), "x")[:-3]):
        with pytest.raises(BadCursor):
            worklist(sessions, caller(SPECIALIST), WorklistFilter(), cursor=bad)


def test_filters_keep_the_order_and_malformed_ones_are_refused(sessions: SessionFactory) -> None:
    now = datetime.now(UTC)
    today = now.date()
    late = at_specialist("so-tnmt-000000-0001", today - timedelta(days=2))
    soon = at_specialist("so-tnmt-000000-0002", today + timedelta(days=1), at_risk=True)
    later = at_specialist("so-tnmt-000000-0003", today + timedelta(days=20))
    for state in (later, soon, late):
        record(sessions, state)

    def listed(**wanted: object) -> list[str]:
        page = worklist(sessions, caller(SPECIALIST), WorklistFilter(**wanted), now=now)
        return [item.code for item in page.items]

    assert listed() == [late.code, soon.code, later.code]
    assert listed(overdue=True) == [late.code]  # past its due date, flagged or not yet
    assert listed(at_risk=True) == [soon.code]
    assert listed(due_before=today + timedelta(days=2)) == [late.code, soon.code]
    assert listed(status="in_review", procedure="1.010733") == [late.code, soon.code, later.code]
    assert listed(procedure="2.000635") == []
    for bad in ({"status": "nonsense"}, {"procedure": "1' OR '1'='1"}):
        with pytest.raises(FilterError):
            listed(**bad)
