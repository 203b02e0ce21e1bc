"""Deadlines at the CLI, against a real dev server: apology, due-date filters, calendar push."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from config import Settings
from support.calendars import calendar_for
from tests.cli.test_dossier_commands import hoso, state_of, submitted, wait_state


def listed(runner: CliRunner, *filters: str) -> list[str]:
    result = hoso(runner, "list", *filters, "--limit", "1000", "--json")
    assert result.exit_code == 0, result.output
    return [row["code"] for row in json.loads(result.stdout)]


def eventually_listed(runner: CliRunner, code: str, *filters: str) -> None:
    deadline = time.monotonic() + 30
    while code not in listed(runner, *filters):  # visibility is eventually consistent
        assert time.monotonic() < deadline, f"{code} not listed with {filters}"
        time.sleep(0.5)


def test_apology_calendar_push_and_due_filters(
    runner: CliRunner, worker: Settings, dossier_file: Path
) -> None:
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received")
    assert hoso(runner, "act", code, "accept", "--as", "tn.reception").exit_code == 0
    due = date.fromisoformat(state_of(runner, code)["due_date"])

    eventually_listed(runner, code, "--due-before", (due + timedelta(days=1)).isoformat())
    assert code not in listed(runner, "--due-before", due.isoformat())
    assert code not in listed(runner, "--overdue")

    status = hoso(runner, "status", code)
    assert "time left" in status.stdout and "working days" in status.stdout

    missing_date = hoso(runner, "act", code, "apologize", "--as", "tn.specialist", "--comment", "x")
    assert missing_date.exit_code == 1 and "new date after the due date" in missing_date.stderr
    # New dates are working days (an apology's date on a day off is refused), about two and four
    # weeks on, whatever day the test runs.
    calendar = calendar_for(datetime.now(UTC), worker)
    later = calendar.next_working_day(due + timedelta(days=13)).isoformat()
    much_later = calendar.next_working_day(due + timedelta(days=29)).isoformat()
    apology = hoso(
        runner, "act", code, "apologize", "--as", "tn.specialist",
        "--comment", "Chờ ý kiến liên ngành", "--new-date", later,
    )  # fmt: skip
    assert apology.exit_code == 0, apology.output
    state = state_of(runner, code)
    assert state["due_date"] == later and state["apology"]["previous_due_date"] == due.isoformat()
    again = hoso(
        runner, "act", code, "apologize", "--as", "tn.specialist",
        "--comment", "Lần hai", "--new-date", much_later,
    )  # fmt: skip
    assert again.exit_code == 1 and "only once" in again.stderr

    refused = hoso(runner, "calendar", "push", "--as", "tn.specialist")
    assert refused.exit_code == 1 and "only an operator" in refused.stderr
    pushed = hoso(runner, "calendar", "push", "--as", "tn.operator", "--json")
    assert pushed.exit_code == 0, pushed.output
    assert code in [row["code"] for row in json.loads(pushed.stdout)]
    assert state_of(runner, code)["actions"][-1]["action"] == "calendar_changed"
