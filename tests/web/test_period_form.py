"""The period of the dashboard's form: days as Vietnamese write them, each problem said beside
its field; the days counted from the server's clock, never a fixed date."""

from __future__ import annotations

from datetime import datetime, timedelta

from api.pages.period_form import BACKWARDS, BAD_DATE, OUT_OF_RANGE, read_period
from models.calendar import VIETNAM


def test_the_default_period_is_the_month_so_far() -> None:
    today = datetime.now(VIETNAM).date()
    period = read_period(None, None)
    assert period.valid and (period.start, period.end) == (today.replace(day=1), today)
    assert period.typed["to"] == today.strftime("%d/%m/%Y")


def test_days_are_read_as_dd_mm_yyyy_or_as_a_date_picker_gives_them() -> None:
    today = datetime.now(VIETNAM).date()
    start = today - timedelta(days=40)
    period = read_period(start.strftime("%d/%m/%Y"), today.isoformat())
    assert period.valid and (period.start, period.end) == (start, today)


def test_each_wrong_field_gets_its_own_message() -> None:
    today = datetime.now(VIETNAM).date()
    assert read_period(f"31/02/{today.year}", "hôm nay").errors == {
        "from": BAD_DATE,
        "to": BAD_DATE,
    }
    later = today + timedelta(days=1)
    backwards = read_period(later.strftime("%d/%m/%Y"), today.strftime("%d/%m/%Y"))
    assert backwards.errors == {"to": BACKWARDS} and not backwards.valid
    too_long = read_period("01/01/2000", today.strftime("%d/%m/%Y"))
    assert too_long.errors == {"from": OUT_OF_RANGE}
