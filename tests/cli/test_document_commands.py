"""Officers' documents through the CLI: `act --doc KIND=PATH` and `supplement --doc` upload the
files to the API, then sign the action naming them by hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from config import Settings
from tests.cli.test_dossier_commands import hoso, submitted, wait_state

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_act_and_supplement_upload_their_documents_and_name_them_by_hash(
    runner: CliRunner,
    worker: Settings,
    dossier_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received", stage="reception")
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "minutes.pdf").write_bytes(PDF + b"% minutes\n")
    (desk / "report-v2.pdf").write_bytes(PDF + b"% report, second version\n")
    monkeypatch.chdir(desk)

    asked = hoso(
        runner, "act", code, "request_supplement", "--as", "tn.reception",
        "--missing", "Báo cáo bản sửa đổi", "--doc", "minutes=minutes.pdf",
    )  # fmt: skip
    assert asked.exit_code == 0, asked.output
    state = wait_state(runner, code, status="awaiting_supplement")
    assert sha256(desk / "minutes.pdf") in {doc["sha256"] for doc in state["documents"]}

    outside = hoso(runner, "supplement", code, "--as", "tn.reception", "--doc", "report=../x.pdf")
    assert outside.exit_code == 1 and "outside the folder" in outside.stderr
    wrong_kind = hoso(
        runner, "supplement", code, "--as", "tn.reception", "--doc", "minutes=minutes.pdf"
    )
    assert wrong_kind.exit_code == 1
    lines = wrong_kind.stderr.strip().splitlines()
    assert len(lines) == 1 and "declares no document kind 'minutes'" in lines[0], lines

    supplied = hoso(
        runner, "supplement", code, "--as", "tn.reception", "--doc", "report=report-v2.pdf",
        "--note", "Bản sửa đổi",
    )  # fmt: skip
    assert supplied.exit_code == 0, supplied.output
    state = wait_state(runner, code, status="received", stage="reception")
    assert sha256(desk / "report-v2.pdf") in {doc["sha256"] for doc in state["documents"]}
