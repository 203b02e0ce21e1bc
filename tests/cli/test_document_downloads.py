"""`hoso documents` through the API: a dossier's documents listed with their level and written
with `--out` under names of hoso's making, for their user only."""

from __future__ import annotations

import stat
from pathlib import Path

from typer.testing import CliRunner

from config import Settings
from tests.cli.test_dossier_commands import hoso, submitted, wait_state


def test_documents_are_listed_and_written_privately(
    runner: CliRunner, worker: Settings, dossier_file: Path, tmp_path: Path
) -> None:
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received")
    out = tmp_path / "out"
    shown = hoso(runner, "documents", code, "--out", str(out), "--as", "tn.director")
    assert shown.exit_code == 0, shown.output
    assert "report" in shown.stdout and "internal" in shown.stdout
    (written,) = out.iterdir()
    assert written.name.startswith("report-") and written.suffix == ".pdf"
    assert written.read_bytes() == (dossier_file.parent / "report.pdf").read_bytes()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600

    unknown = hoso(runner, "documents", "so-tnmt-000101-9999", "--as", "tn.director")
    assert unknown.exit_code == 1 and "no dossier so-tnmt-000101-9999" in unknown.stderr
