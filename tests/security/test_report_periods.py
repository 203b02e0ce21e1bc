"""A report over an impossible period is one clear line, never a traceback (issue 22, item 16)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from typer.testing import CliRunner

from config import Settings
from models.calendar import VIETNAM
from starter import app


def _report(host: Settings, start: str, end: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["report", "--from", start, "--to", end, "--json"])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("0001-01-01", "9999-12-31", "before 2000-01-01"),
        ("2026-05-01", "2026-04-01", "ends (2026-04-01) before it starts (2026-05-01)"),
        ("2010-01-01", "2024-12-31", "more than 10 years"),
    ],
)
def test_an_impossible_period_is_one_line_that_says_why(
    operator_host: Settings, start: str, end: str, reason: str
) -> None:
    code, output = _report(operator_host, start, end)
    assert code == 1
    assert reason in output
    assert "Traceback" not in output and len(output.strip().splitlines()) <= 2


def test_a_period_reaching_past_next_year_is_refused(operator_host: Settings) -> None:
    year = datetime.now(VIETNAM).year
    code, output = _report(operator_host, f"{year}-01-01", date(year + 2, 1, 1).isoformat())
    assert code == 1 and "reports cover the past and the present" in output


def test_a_period_of_ten_years_to_now_is_reported(operator_host: Settings) -> None:
    year = datetime.now(VIETNAM).year
    code, output = _report(operator_host, f"{year - 9}-01-01", f"{year}-12-31")
    assert code == 0, output
    shown = json.loads(output)
    assert (shown["start"], shown["end"]) == (f"{year - 9}-01-01", f"{year}-12-31")


def test_the_register_over_an_impossible_period_is_one_line_too(operator_host: Settings) -> None:
    result = CliRunner().invoke(
        app, ["register", "--agency", "so-tnmt", "--from", "0001-01-01", "--to", "9999-12-31"]
    )
    assert result.exit_code == 1
    assert "before 2000-01-01" in result.output and "Traceback" not in result.output
