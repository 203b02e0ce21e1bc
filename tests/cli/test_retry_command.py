"""`hoso retry` through the API: the operator's signed retry is recorded; others are refused."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from config import Settings
from tests.cli.test_dossier_commands import hoso, state_of, submitted, wait_state


def test_an_operators_retry_is_recorded_and_an_officers_refused(
    runner: CliRunner, worker: Settings, dossier_file: Path
) -> None:
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received")
    refused = hoso(runner, "retry", code, "--as", "tn.reception")
    assert refused.exit_code == 1 and "only an operator" in refused.stderr
    done = hoso(runner, "retry", code, "--as", "tn.operator", "--note", "SMTP restarted")
    assert done.exit_code == 0, done.output
    assert f"{code}: no activity is failing; the request is recorded" in done.stdout
    recorded = state_of(runner, code)["actions"][-1]
    assert recorded["action"] == "retry" and recorded["actor"] == "tn.operator"
