"""`hoso counter …` as a reception officer types it: a client of a real API on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from activities.database import create_schema, make_engine, session_factory
from config import Settings
from starter import app
from support.bootstrap import publish_bundled
from tests.appointments.conftest import citizen
from tests.appointments.test_counter import booked_today
from tests.cli.api_server import signed_in_as

pytestmark = pytest.mark.timeout(120)


def test_the_officer_works_the_queue_from_the_cli(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        publish_bundled(session, settings)
    came, missed = booked_today(sessions, 1), booked_today(sessions, 2)
    engine.dispose()
    runner = CliRunner()
    with signed_in_as(settings, "xa.reception", monkeypatch):
        listed = runner.invoke(app, ["counter", "queue", "--json"])
        assert listed.exit_code == 0, listed.output
        codes = [b["code"] for b in json.loads(listed.output)["bookings"]]
        assert sorted(codes) == sorted([came, missed])
        table = runner.invoke(app, ["counter", "queue"], env={"COLUMNS": "160"})
        assert came in table.output and "Nguyễn Văn An" in table.output

        checked = runner.invoke(app, ["counter", "check-in", f"hoso:booking:{came}"])
        assert checked.exit_code == 0, checked.output
        assert f"{came} checked in" in checked.output
        twice = runner.invoke(app, ["counter", "check-in", came])
        assert twice.exit_code == 1
        assert "checked in: it cannot be checked in" in twice.output
        missing = runner.invoke(app, ["counter", "no-show", missed])
        assert missing.exit_code == 0 and "no-show" in missing.output
    with signed_in_as(settings, "ops.operator", monkeypatch):
        day = json.loads(listed.output)["day"]
        report = runner.invoke(app, ["counter", "report", "--from", day, "--to", day, "--csv"])
        assert report.exit_code == 0, report.output
        header, row = report.output.splitlines()[:2]
        assert header.startswith("agency,unit,procedure,bookings")
        assert row.startswith("ubnd-xa,one-stop,2.000635,2,0,1,1,0")
        assert citizen(1)["id_number"] not in report.output
