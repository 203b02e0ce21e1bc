"""The situation finder the date-sensitive tests rely on finds what it says it finds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.situations import FRIDAY, MONDAY, Situations, weekdays_after

NOW = datetime.now(UTC)


def test_year_end_starts_on_the_last_working_day_of_a_year() -> None:
    found = Situations.after(NOW, "year-end")
    day = found.origin.date()
    assert found.origin >= NOW and found.calendar.is_working_day(day)
    rest = (day + timedelta(days=n) for n in range(1, 7))
    assert not any(found.calendar.is_working_day(d) for d in rest if d.year == day.year)


def test_days_ahead_start_that_many_days_later_on_a_calendar_covering_them() -> None:
    found = Situations.after(NOW, "+400d")
    assert found.origin == NOW + timedelta(days=400)
    assert found.calendar.covers(found.before_tet(30).received_at.date() + timedelta(days=90))


def test_an_unknown_start_is_refused() -> None:
    with pytest.raises(ValueError, match="HOSO_TEST_SITUATIONS_FROM='tomorrow'"):
        Situations.after(NOW, "tomorrow")


@pytest.mark.parametrize("months", range(0, 36, 5))
def test_the_situations_found_from_any_day_are_what_they_say(months: int) -> None:
    found = Situations.after(NOW, f"+{months * 30}d")
    calendar = found.calendar
    monday = found.plain_stretch(10)
    assert monday > found.origin and monday.weekday() == MONDAY and monday.hour == 10
    weeks = [monday.date() + timedelta(days=n) for n in range(70)]
    assert all(calendar.is_working_day(d) == (d.weekday() < 5) for d in weeks)
    assert found.plain_stretch(1, weekday=FRIDAY).weekday() == FRIDAY

    tet = found.before_tet(30)
    names = {h.day: h.name for h in calendar.holidays}
    assert tet.received_at > found.origin and tet.received_at.weekday() == MONDAY
    assert tet.received_at.date() < min(tet.days_off) <= tet.received_at.date() + timedelta(14)
    assert "Tết Nguyên Đán" in {names[d] for d in tet.days_off}
    due = weekdays_after(tet.received_at.date(), 30, skipping=tet.days_off)
    assert calendar.covers(due) and due > max(tet.days_off)
