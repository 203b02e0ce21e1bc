"""The counters file: clear errors naming the file, the unit and the field; slots laid on the
working calendar (none on a holiday, a Saturday worked in exchange opens)."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
import yaml

from activities.database import create_schema, make_engine, session_factory
from models.counters import UnitCounters
from support.catalogue import publish_paths
from support.errors import CatalogueError
from tests.appointments.conftest import PROCEDURES, situations

UNIT = {
    "agency": "ubnd-xa",
    "unit": "one-stop",
    "slot_minutes": 30,
    "hours": {"monday": ["07:30-11:30"], "friday": ["13:30-17:00"]},
    "counters": [{"id": "quay-1", "name": "Quầy 1", "places": 2, "procedures": ["2.000635"]}],
}


def load(tmp_path: Path, unit: dict[str, object]) -> list[str]:
    """The problems of publishing the sample catalogue with this unit's counters file."""
    catalogue = tmp_path / "catalogue"
    catalogue.mkdir()
    for source in PROCEDURES.glob("*.yaml"):
        if source.name != "counters.yaml":
            (catalogue / source.name).write_text(source.read_text(encoding="utf-8"))
    (catalogue / "counters.yaml").write_text(yaml.safe_dump({"counters": [unit]}))
    engine = make_engine(f"sqlite:///{tmp_path / 'hoso.db'}")
    create_schema(engine)
    try:
        with session_factory(engine)() as session:
            publish_paths(session, [catalogue])
    except CatalogueError as exc:
        return exc.problems
    finally:
        engine.dispose()
    return []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"slot_minutes": 0}, "unit #1, field 'slot_minutes'"),
        ({"hours": {"monday": ["11:30-07:30"]}}, "a period ends after it begins"),
        ({"hours": {"moonday": ["07:30-11:30"]}}, "moonday is no weekday"),
        (
            {"counters": [{"id": "quay-1", "name": "Q", "places": 0, "procedures": ["2.000635"]}]},
            "field 'counters[0].places'",
        ),
        (
            {"counters": [{"id": "quay-1", "name": "Q", "places": 1, "procedures": ["1.009994"]}]},
            "procedure 1.009994 is received by one-stop of so-xay-dung, not by one-stop of ubnd-xa",
        ),
        (
            {"counters": [{"id": "quay-1", "name": "Q", "places": 1, "procedures": ["9.99"]}]},
            "counter 'quay-1', field 'procedures': unknown procedure 9.99",
        ),
    ],
)
def test_a_wrong_counters_file_names_its_file_and_field(
    tmp_path: Path, change: dict[str, object], expected: str
) -> None:
    problems = load(tmp_path, UNIT | change)
    assert problems, "published"
    assert all("counters.yaml" in p for p in problems), problems
    assert any(expected in p for p in problems), problems


def test_the_sample_counters_file_is_valid(tmp_path: Path) -> None:
    assert load(tmp_path, UNIT) == []


def test_no_slot_on_a_holiday_and_a_worked_saturday_opens() -> None:
    found = situations()
    calendar = found.calendar
    unit = UnitCounters.model_validate(UNIT)
    today = found.origin.date()
    holiday = next(h.day for h in calendar.holidays if h.day > today and h.day.weekday() in (0, 4))
    assert unit.slot_starts(holiday, calendar) == []
    ordinary = holiday + timedelta(days=7)
    while not calendar.is_working_day(ordinary) or ordinary.weekday() not in (0, 4):
        ordinary += timedelta(days=7)
    assert len(unit.slot_starts(ordinary, calendar)) == (7 if ordinary.weekday() == 4 else 8)
    # A Saturday the government swaps into a working day (as an operator's calendar file says)
    saturday: date = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    while (
        saturday in calendar.holiday_days or saturday + timedelta(days=7) in calendar.holiday_days
    ):
        saturday += timedelta(days=7)
    swapped = calendar.model_copy(update={"working_weekends": [saturday]})
    starts = unit.slot_starts(saturday, swapped)
    assert [s.time() for s in starts[:2]] == [time(7, 30), time(8, 0)]  # Monday's hours
    assert len(starts) == 8
    assert unit.slot_starts(saturday + timedelta(days=7), swapped) == []
