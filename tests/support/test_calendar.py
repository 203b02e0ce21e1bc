"""The working-day calendar: the `holidays` package's VN data and the due-date rules on it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from models.calendar import VIETNAM, Holiday, WorkingCalendar
from support.calendars import resolve_calendar


def at(day: str, hhmm: str = "09:00") -> datetime:
    """A time of receipt, Vietnam time."""
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=VIETNAM)


@pytest.fixture(scope="module")
def calendar():
    return resolve_calendar(2026, 2027)


def test_2026_non_working_days_are_the_labour_code_days_with_their_names():
    calendar = resolve_calendar(2026, 2026)
    assert {(h.day, h.name) for h in calendar.holidays} == {
        (date(2026, 1, 1), "Tết Dương lịch"),
        # Tết Nguyên Đán is Tue 17 February 2026: eve + 4 days, Monday to Friday.
        (date(2026, 2, 16), "Giao thừa Tết Nguyên Đán"),
        (date(2026, 2, 17), "Tết Nguyên Đán"),
        (date(2026, 2, 18), "Mùng hai Tết Nguyên Đán"),
        (date(2026, 2, 19), "Mùng ba Tết Nguyên Đán"),
        (date(2026, 2, 20), "Mùng bốn Tết Nguyên Đán"),
        # Hùng Kings (10/3 lunar) falls on a Sunday: the Monday after is off.
        (date(2026, 4, 26), "Ngày Giỗ Tổ Hùng Vương"),
        (date(2026, 4, 27), "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),
        (date(2026, 4, 30), "Ngày Chiến thắng"),
        (date(2026, 5, 1), "Ngày Quốc tế Lao động"),
        # National Day: 2/9 is a Wednesday, the adjacent day is Tuesday 1/9, and Monday 31/8 is
        # off in exchange for Saturday 22/8.
        (date(2026, 8, 31), "Ngày nghỉ (thay cho ngày 22/08/2026)"),
        (date(2026, 9, 1), "Quốc khánh"),
        (date(2026, 9, 2), "Quốc khánh"),
        (date(2026, 11, 24), "Ngày Văn hóa Việt Nam"),
    }
    assert calendar.working_weekends == [date(2026, 8, 22)]


def test_2027_tet_falls_on_a_saturday_and_the_days_off_move_around_the_weekend():
    calendar = resolve_calendar(2027, 2027)
    days = {h.day: h.name for h in calendar.holidays}
    # Tết Nguyên Đán is Sat 6 February 2027: Thu 4 to Wed 10 are off, seven days in a row.
    assert {d: n for d, n in days.items() if d.month == 2} == {
        date(2027, 2, 4): "29 Tết",
        date(2027, 2, 5): "Giao thừa Tết Nguyên Đán",
        date(2027, 2, 6): "Tết Nguyên Đán",
        date(2027, 2, 7): "Mùng hai Tết Nguyên Đán",
        date(2027, 2, 8): "Mùng ba Tết Nguyên Đán",
        date(2027, 2, 9): "Mùng bốn Tết Nguyên Đán",
        date(2027, 2, 10): "Mùng năm Tết Nguyên Đán",
    }
    assert [d for d in days if d.month != 2] == [
        date(2027, 1, 1),
        date(2027, 4, 16),  # Hùng Kings, a Friday
        date(2027, 4, 30),
        date(2027, 5, 1),  # a Saturday …
        date(2027, 5, 3),  # … so Monday is off
        date(2027, 9, 2),  # a Thursday …
        date(2027, 9, 3),  # … and the adjacent Friday
        date(2027, 11, 24),
    ]
    assert days[date(2027, 5, 3)] == "Ngày Quốc tế Lao động (nghỉ bù)"
    assert calendar.working_weekends == []
    assert [calendar.is_working_day(date(2027, 2, d)) for d in range(3, 12)] == [
        True, False, False, False, False, False, False, False, True,
    ]  # fmt: skip


def test_day_of_receipt_is_not_counted(calendar):
    assert calendar.due_date(at("2026-03-02"), 1) == date(2026, 3, 3)  # Mon → Tue
    assert calendar.due_date(at("2026-03-02"), 3) == date(2026, 3, 5)
    assert calendar.due_date(at("2026-03-02"), 0) == date(2026, 3, 2)


def test_received_after_15_00_vietnam_time_counts_from_the_next_working_day(calendar):
    assert calendar.due_date(at("2026-03-02", "15:00"), 1) == date(2026, 3, 3)
    assert calendar.due_date(at("2026-03-02", "15:01"), 1) == date(2026, 3, 4)
    # 08:30 UTC is 15:30 in Vietnam; 07:59 UTC is 14:59.
    assert calendar.due_date(datetime(2026, 3, 2, 8, 30, tzinfo=UTC), 1) == date(2026, 3, 4)
    assert calendar.due_date(datetime(2026, 3, 2, 7, 59, tzinfo=UTC), 1) == date(2026, 3, 3)
    # 23:00 UTC on Sunday is already Monday 06:00 in Vietnam.
    assert calendar.receipt_day(datetime(2026, 3, 1, 23, 0, tzinfo=UTC)) == date(2026, 3, 2)


def test_weekends_are_skipped(calendar):
    assert calendar.due_date(at("2026-03-05"), 2) == date(2026, 3, 9)  # Thu → Fri, Mon
    assert calendar.due_date(at("2026-03-06"), 1) == date(2026, 3, 9)  # Fri → Mon
    assert calendar.due_date(at("2026-03-07"), 1) == date(2026, 3, 10)  # Sat: received Mon
    assert calendar.due_date(at("2026-03-06", "16:00"), 1) == date(2026, 3, 10)


def test_due_date_across_tet_2026(calendar):
    # Thu 12 Feb: Fri 13, then 14–22 February are off, then Mon 23 … Thu 26.
    assert calendar.due_date(at("2026-02-12"), 5) == date(2026, 2, 26)
    # Fri 13 after 15:00 counts as received on Mon 23.
    assert calendar.receipt_day(at("2026-02-13", "16:00")) == date(2026, 2, 23)
    assert calendar.due_date(at("2026-02-13", "16:00"), 1) == date(2026, 2, 24)
    # Submitted online during Tết.
    assert calendar.due_date(at("2026-02-18", "10:00"), 3) == date(2026, 2, 26)
    assert calendar.working_days_between(date(2026, 2, 12), date(2026, 2, 26)) == 5


def test_due_date_across_tet_2027(calendar):
    assert calendar.due_date(at("2027-02-03"), 2) == date(2027, 2, 12)
    # An EIA appraisal (30 working days) received Monday 25 January 2027: Tết takes Thursday 4
    # to Wednesday 10 February, five working days.
    assert calendar.due_date(at("2027-01-25"), 30) == date(2027, 3, 15)


def test_a_dossier_open_across_new_year_2027(calendar):
    # The cases the deadline workflow tests counted when they ran in December 2026.
    assert calendar.due_date(at("2026-12-04", "14:58"), 3) == date(2026, 12, 9)
    assert calendar.due_date(at("2026-12-04", "15:01"), 3) == date(2026, 12, 10)
    # 30 working days from Monday 7 December 2026: New Year's Day, a Friday, is skipped.
    assert calendar.due_date(at("2026-12-07", "10:00"), 30) == date(2027, 1, 19)
    assert calendar.add_working_days(date(2026, 12, 7), 12) == date(2026, 12, 23)
    # A supplement from Wednesday 9 to Friday 18 December: seven working days, which move the
    # due date and the stage's end past New Year's Day.
    assert calendar.working_days_between(date(2026, 12, 9), date(2026, 12, 18)) == 7
    assert calendar.add_working_days(date(2027, 1, 19), 7) == date(2027, 1, 28)
    assert calendar.add_working_days(date(2026, 12, 23), 7) == date(2027, 1, 4)
    # A day off announced for Thursday 24 December moves the due date by one working day.
    announced = WorkingCalendar(
        first_year=2026,
        last_year=2027,
        holidays=[*calendar.holidays, Holiday(day=date(2026, 12, 24), name="Nghỉ bù (ví dụ)")],
        working_weekends=calendar.working_weekends,
    )
    assert announced.due_date(at("2026-12-07", "10:00"), 30) == date(2027, 1, 20)


def test_due_date_across_hung_kings_and_30_april_2026(calendar):
    assert calendar.due_date(at("2026-04-24"), 1) == date(2026, 4, 28)  # Mon 27 observed
    assert calendar.due_date(at("2026-04-29"), 1) == date(2026, 5, 4)  # Thu 30, Fri 1/5 off


def test_national_day_2026_and_its_swapped_saturday(calendar):
    # Sat 22 August 2026 is worked in exchange for Mon 31 August.
    assert calendar.due_date(at("2026-08-21"), 1) == date(2026, 8, 22)
    # Fri 28: Mon 31, Tue 1, Wed 2 are off.
    assert calendar.due_date(at("2026-08-28"), 1) == date(2026, 9, 3)


def test_a_swapped_saturday_from_the_operator_file_counts_as_working(tmp_path):
    extra = tmp_path / "calendar.yaml"
    extra.write_text(
        "days_off:\n"
        "  - {day: 2027-04-29, name: Nghỉ bù (ví dụ)}\n"
        "working_days:\n"
        "  - {day: 2027-04-24, name: Làm bù cho ngày 29/04/2027 (ví dụ)}\n",
        encoding="utf-8",
    )
    calendar = resolve_calendar(2027, 2027, extra)
    assert calendar.is_working_day(date(2027, 4, 24))
    assert not calendar.is_working_day(date(2027, 4, 29))
    assert {h.day: h.name for h in calendar.holidays}[date(2027, 4, 29)] == "Nghỉ bù (ví dụ)"
    received = at("2027-04-23")  # a Friday
    assert calendar.due_date(received, 1) == date(2027, 4, 24)
    assert calendar.due_date(received, 3) == date(2027, 4, 27)
    assert calendar.due_date(received, 4) == date(2027, 4, 28)
    # Thu 29 (file), Fri 30, Sat 1/5, Sun, Mon 3/5 (observed) are off.
    assert calendar.due_date(received, 5) == date(2027, 5, 4)
    # Without the file, Saturday 24 is a weekend and Thursday 29 a working day.
    plain = resolve_calendar(2027, 2027)
    assert plain.due_date(received, 1) == date(2027, 4, 26)
    assert plain.due_date(received, 4) == date(2027, 4, 29)


def test_entries_of_the_operator_file_outside_the_years_are_ignored(tmp_path):
    extra = tmp_path / "calendar.yaml"
    extra.write_text("working_days:\n  - {day: 2030-01-05}\n", encoding="utf-8")
    assert resolve_calendar(2027, 2027, extra).working_weekends == []


def test_past_the_resolved_years_only_weekends_are_known(calendar):
    # A dossier open longer than its calendar must never crash its workflow: beyond the
    # resolved years the calendar knows weekends only (so New Year's Day 2029, a Monday, counts).
    assert not calendar.covers(date(2028, 1, 3))
    assert calendar.add_working_days(date(2027, 12, 31), 1) == date(2028, 1, 3)
    assert calendar.is_working_day(date(2029, 1, 1))
    assert calendar.add_working_days(date(2027, 12, 30), 1) == date(2027, 12, 31)


def test_a_copy_with_a_holiday_added_counts_that_day_off(calendar):
    """A copied calendar (the operator's announced day off) does not keep the original's days."""
    day = date(2026, 12, 24)
    assert calendar.is_working_day(day)  # counted once, so the original has its days cached
    extra = Holiday(day=day, name="Ngày nghỉ bù")
    announced = calendar.model_copy(update={"holidays": [*calendar.holidays, extra]})
    assert not announced.is_working_day(day)
    assert calendar.is_working_day(day)
