"""Every input an action carries is bounded (issue 22, item 3): what one action adds to a
dossier's history does not depend on what its sender chose to send."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from models.actions import (
    MAX_ACTION_DOCUMENTS,
    MAX_DOSSIER_DOCUMENTS,
    MAX_MISSING,
    MAX_MISSING_LENGTH,
    CalendarChange,
    OfficerAction,
    Supplement,
)
from models.calendar import Holiday, WorkingCalendar
from models.dossier import DocumentRef, DossierStatus
from models.procedure import DeliveryChannel
from models.state import DossierState
from tests.workflows.harness import assignee, counter_officer, procedure
from workflows import rules


def _document(n: int) -> DocumentRef:
    return DocumentRef(
        kind="eia_report", file_name=f"d{n}.pdf", sha256=f"{n:064x}", size=10, format="pdf"
    )


def _request(**fields: object) -> OfficerAction:
    return OfficerAction(
        officer=assignee(procedure("eia"), "reception"), action="request_supplement", **fields
    )


def test_a_supplement_request_names_at_most_so_many_items_of_bounded_length() -> None:
    _request(missing=["x" * MAX_MISSING_LENGTH] * MAX_MISSING)
    with pytest.raises(ValidationError, match=f"at most {MAX_MISSING} items"):
        _request(missing=["Bản vẽ"] * (MAX_MISSING + 1))
    with pytest.raises(ValidationError, match=f"at most {MAX_MISSING_LENGTH} characters"):
        _request(missing=["x" * (MAX_MISSING_LENGTH + 1)])


def test_a_comment_and_a_note_are_bounded() -> None:
    with pytest.raises(ValidationError, match="at most 4000 characters"):
        _request(missing=["Bản vẽ"], comment="x" * 4001)
    with pytest.raises(ValidationError, match="at most 4000 characters"):
        Supplement(note="x" * 4001)


def test_an_action_or_a_supplement_adds_a_bounded_number_of_documents() -> None:
    many = [_document(n) for n in range(MAX_ACTION_DOCUMENTS + 1)]
    with pytest.raises(ValidationError, match=f"at most {MAX_ACTION_DOCUMENTS} items"):
        Supplement(documents=many)
    with pytest.raises(ValidationError, match=f"at most {MAX_ACTION_DOCUMENTS} items"):
        _request(missing=["Bản vẽ"], documents=many)


def test_a_pushed_calendar_is_bounded() -> None:
    officer = assignee(procedure("eia"), "reception")
    days = [Holiday(day=date(2027, 1, 1), name="x")] * 61
    with pytest.raises(ValidationError, match="at most 60 days a year"):
        CalendarChange(
            officer=officer,
            calendar=WorkingCalendar(first_year=2027, last_year=2027, holidays=days),
        )
    with pytest.raises(ValidationError, match="1 to 10 years"):
        CalendarChange(officer=officer, calendar=WorkingCalendar(first_year=2000, last_year=2030))


def test_a_dossier_full_of_documents_refuses_more() -> None:
    proc = procedure("eia")
    state = DossierState(
        code="so-tnmt-270120-0001",
        procedure_code=proc.code,
        procedure_version=1,
        procedure_name=proc.name,
        agency=proc.agency,
        status=DossierStatus.awaiting_supplement,
        delivery=DeliveryChannel.online,
        submitted_at=datetime(2027, 1, 4, 3, tzinfo=UTC),
        stage="reception",
        documents=[_document(n) for n in range(MAX_DOSSIER_DOCUMENTS)],
    )
    supplement = Supplement(officer=counter_officer(proc.code), documents=[_document(0)])
    with pytest.raises(rules.ActionRejected, match=f"at most {MAX_DOSSIER_DOCUMENTS} in all"):
        rules.check_supplement(state, proc, supplement)
    rules.check_supplement(
        state, proc, supplement.model_copy(update={"documents": [], "note": "ok"})
    )
