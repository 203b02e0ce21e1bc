"""The operator's calendar file: validated with clear errors, and found beside the procedures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from config import Settings
from support.calendars import calendar_for, load_calendar_changes, resolve_calendar
from support.errors import CatalogueError

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "calendar.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_sample_calendar_file_is_valid():
    changes = load_calendar_changes(ROOT / "procedures" / "calendar.yaml")
    assert changes.days_off == [] and changes.working_days == []


def test_a_weekday_cannot_be_a_swapped_working_day(tmp_path):
    path = write(tmp_path, "working_days:\n  - {day: 2027-04-26}\n")
    with pytest.raises(CatalogueError) as caught:
        load_calendar_changes(path)
    assert str(caught.value) == (
        f"{path}: working day #1, field 'day': 2027-04-26 is a Monday; only a Saturday or a "
        "Sunday can be swapped into a working day"
    )


def test_a_day_off_without_a_name_is_refused(tmp_path):
    path = write(tmp_path, "days_off:\n  - {day: 2027-04-29}\n")
    with pytest.raises(CatalogueError) as caught:
        load_calendar_changes(path)
    assert str(caught.value) == f"{path}: day off #1, field 'name': required field is missing"


def test_unknown_fields_and_bad_dates_are_named(tmp_path):
    path = write(tmp_path, "holidays: []\ndays_off:\n  - {day: 2027-02-30, name: x}\n")
    with pytest.raises(CatalogueError) as caught:
        load_calendar_changes(path)
    assert caught.value.problems == [
        f"{path}: day off #1, field 'day': Input should be a valid date or datetime, day value is "
        "outside expected range (got '2027-02-30')",
        f"{path}: field 'holidays': unknown field",
    ]


def test_bad_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "days_off:\n  - {day: 2027-04-29, name: [x}\n")
    with pytest.raises(CatalogueError, match=r"invalid YAML at line 2, column \d+"):
        load_calendar_changes(path)


def test_calendar_for_covers_the_year_of_receipt_in_vietnam_and_two_more(tmp_path):
    write(tmp_path, "working_days:\n  - {day: 2028-01-08, name: Làm bù (ví dụ)}\n")
    settings = Settings(procedures_dir=tmp_path)
    # 18:00 UTC on 31 December 2026 is already 1 January 2027 in Vietnam.
    calendar = calendar_for(datetime(2026, 12, 31, 18, 0, tzinfo=UTC), settings)
    assert (calendar.first_year, calendar.last_year) == (2027, 2029)
    assert calendar.working_weekends == [date(2028, 1, 8)]
    assert calendar == resolve_calendar(2027, 2029, tmp_path / "calendar.yaml")


def test_calendar_for_without_a_file_uses_the_package_only(tmp_path):
    calendar = calendar_for(datetime(2026, 3, 2, 9, 0), Settings(procedures_dir=tmp_path))
    assert (calendar.first_year, calendar.last_year) == (2026, 2028)
    assert calendar.working_weekends == [date(2026, 8, 22)]
