"""`hoso forms` through the API: the forms listed, written with `--out` (for their user only),
the control sheet drawn with `--control-sheet`; a dossier out of reach is one red line."""

from __future__ import annotations

import stat
import time
from pathlib import Path

from typer.testing import CliRunner

from config import Settings
from tests.cli.test_dossier_commands import hoso, state_of, submitted, wait_state


def test_forms_are_written_privately_with_the_control_sheet(
    runner: CliRunner, worker: Settings, dossier_file: Path, tmp_path: Path
) -> None:
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received")
    assert hoso(runner, "act", code, "accept", "--as", "tn.reception").exit_code == 0
    wait_state(runner, code, status="in_review")
    deadline = time.monotonic() + 30
    while not state_of(runner, code)["forms"]:  # the receipt follows the acceptance
        assert time.monotonic() < deadline, "no receipt issued"
        time.sleep(0.3)

    out = tmp_path / "out"
    shown = hoso(runner, "forms", code, "--out", str(out), "--control-sheet", "--as", "tn.director")
    assert shown.exit_code == 0, shown.output
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"{code}-control_sheet.pdf", f"{code}-receipt.pdf"]
    for path in out.iterdir():
        assert path.read_bytes().startswith(b"%PDF")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "receipt" in shown.stdout and "control_sheet" in shown.stdout

    listed = hoso(runner, "forms", code, "--as", "tn.specialist")
    assert listed.exit_code == 0 and "receipt" in listed.stdout  # (the table wraps file names)

    unknown = hoso(runner, "forms", "so-tnmt-000101-9999", "--as", "tn.director")
    assert unknown.exit_code == 1 and "no dossier so-tnmt-000101-9999" in unknown.stderr
