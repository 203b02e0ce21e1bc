"""`hoso status` counts a dossier's time in working days, suspensions excluded."""

from __future__ import annotations

from datetime import date, datetime

from models.calendar import VIETNAM
from models.dossier import DossierStatus
from models.procedure import DeliveryChannel
from models.state import Apology, DossierState, Suspension
from support.calendars import resolve_calendar
from support.dossier_time import time_fields


def ict(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=VIETNAM)  # type: ignore[misc]


def test_time_used_and_left_exclude_the_applicants_suspension() -> None:
    state = DossierState(
        code="so-tnmt-261207-0001",
        procedure_code="1.010733",
        procedure_version=1,
        procedure_name="Thẩm định ĐTM",
        agency="so-tnmt",
        status=DossierStatus.in_review,
        delivery=DeliveryChannel.online,
        submitted_at=ict(2026, 12, 7, 9, 0),
        received_at=ict(2026, 12, 7, 10, 0),
        due_date=date(2027, 1, 28),
        suspensions=[
            Suspension(
                stage="specialist",
                started_at=ict(2026, 12, 9, 10, 0),
                ended_at=ict(2026, 12, 18, 10, 0),
                working_days=7,
            )
        ],
        apology=Apology(
            officer="tnmt.specialist",
            reason="Chờ ý kiến",
            previous_due_date=date(2027, 1, 19),
            new_due_date=date(2027, 1, 28),
            at=ict(2027, 1, 18, 9, 0),
        ),
    )
    fields = dict(time_fields(state, resolve_calendar(2026, 2027), now=ict(2026, 12, 21, 9, 0)))
    # 10 working days after 7 December up to the 21st, 7 of them the applicant's.
    assert fields["time used"] == "3 working days (suspensions excluded)"
    # 22 Dec … 28 Jan, New Year's Day excluded.
    assert fields["time left"] == "27 working days"
    assert fields["suspended"] == "2026-12-09 → 2026-12-18: 7 working days (specialist)"
    assert "due 2027-01-19 → 2027-01-28" in fields["apology"]

    late = dict(time_fields(state, resolve_calendar(2026, 2027), now=ict(2027, 2, 1, 9, 0)))
    assert late["time left"] == "2 working days late"


def test_time_left_of_a_dossier_received_on_a_day_off_starts_at_the_next_working_day() -> None:
    calendar = resolve_calendar(2026, 2027)
    saturday = ict(2026, 3, 7, 10, 0)
    state = DossierState(
        code="so-tnmt-260307-0001",
        procedure_code="1.010733",
        procedure_version=1,
        procedure_name="Thẩm định ĐTM",
        agency="so-tnmt",
        status=DossierStatus.received,
        delivery=DeliveryChannel.online,
        submitted_at=saturday,
        received_at=saturday,
        due_date=calendar.due_date(saturday, 30),
    )

    def left(now: datetime) -> str:
        return dict(time_fields(state, calendar, now=now))["time left"]

    # Counted as received on Monday 9 March: 30 days left until then, never 31.
    assert left(saturday) == "30 working days"
    assert left(ict(2026, 3, 8, 10, 0)) == "30 working days"
    assert left(ict(2026, 3, 9, 10, 0)) == "30 working days"
    assert left(ict(2026, 3, 10, 10, 0)) == "29 working days"
    # After 15:00 on a working day the clock also starts the next working day.
    friday_evening = ict(2026, 3, 6, 16, 0)
    late_state = state.model_copy(
        update={
            "received_at": friday_evening,
            "due_date": calendar.due_date(friday_evening, 30),
        }
    )
    assert dict(time_fields(late_state, calendar, now=friday_evening))["time left"] == (
        "30 working days"
    )
