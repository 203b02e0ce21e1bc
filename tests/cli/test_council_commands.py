"""An appraisal council through the CLI: the convener names it, members vote, status shows it."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from config import Settings
from tests.cli.test_dossier_commands import hoso, state_of, submitted, wait_state

SAMPLES = Path(__file__).resolve().parents[2] / "procedures"
MEMBERS = ["--member", "tnmt.specialist", "--member", "xd.specialist", "--member", "huyen.officer"]
EXPERTS = ["--expert", "hd.expert-1", "--expert", "hd.expert-2", "--expert", "hd.expert-3"]


def expect_listed(runner: CliRunner, voter: str, codes: list[str]) -> None:
    """`hoso list --voter` shows `codes`, once visibility has caught up (at most 30 s)."""
    deadline = time.monotonic() + 30
    while True:
        result = hoso(runner, "list", "--voter", voter, "--json")
        assert result.exit_code == 0, result.output
        shown = [row["code"] for row in json.loads(result.stdout)]
        if shown == codes:
            return
        assert time.monotonic() < deadline, f"--voter {voter}: {shown}, not {codes}"
        time.sleep(0.3)


def expect_waiting(runner: CliRunner, officer: str, rows: list[tuple[str, str]]) -> None:
    """`hoso worklist` of `officer` shows (code, what waits) `rows`, once the projection has
    caught up (at most 30 s)."""
    deadline = time.monotonic() + 30
    while True:
        result = hoso(runner, "worklist", "--as", officer, "--json")
        assert result.exit_code == 0, result.output
        shown = [(row["code"], row["waiting"]) for row in json.loads(result.stdout)]
        if shown == rows:
            return
        assert time.monotonic() < deadline, f"{officer}'s worklist: {shown}, not {rows}"
        time.sleep(0.3)


@pytest.fixture
def council_dossier(cli_settings: Settings, dossier_file: Path) -> Path:
    """A dossier of the sample council procedure (1.010734), with the repository's samples as the
    test's catalogue."""
    shutil.rmtree(cli_settings.procedures_dir)
    shutil.copytree(SAMPLES, cli_settings.procedures_dir)
    folder = dossier_file.parent
    shutil.copy(folder / "report.pdf", folder / "project.pdf")
    dossier_file.write_text(
        'procedure: "1.010734"\n'
        'applicant: {name: Nguyễn Văn A, id_number: "001099012345", phone: "0912345678"}\n'
        "documents:\n"
        "  - {kind: eia_report, path: report.pdf}\n"
        "  - {kind: project, path: project.pdf}\n"
        "delivery: online\n",
        encoding="utf-8",
    )
    return dossier_file


def test_a_council_is_convened_votes_and_shows_in_status(
    runner: CliRunner, worker: Settings, council_dossier: Path
) -> None:
    code = submitted(runner, worker, council_dossier)
    wait_state(runner, code, stage="reception")
    assert hoso(runner, "act", code, "accept", "--as", "tnmt.reception").exit_code == 0
    assert hoso(runner, "act", code, "approve", "--as", "tnmt.specialist").exit_code == 0

    convener = ["act", code, "convene", "--as", "tnmt.head", "--chair", "tnmt.deputy"]
    unknown = hoso(runner, *convener, "--member", "tnmt.deputy", "--member", "ghost", *EXPERTS)
    assert unknown.exit_code == 1
    assert "council member: unknown officer ghost" in unknown.stderr
    machine = hoso(
        runner,
        *convener,
        "--member",
        "tnmt.deputy",
        "--member",
        "tnmt.portal",
        *MEMBERS[:2],
        *EXPERTS,
    )
    assert machine.exit_code == 1
    assert "council member: tnmt.portal is a portal account, not a person" in machine.stderr
    stray = hoso(runner, "act", code, "approve", "--as", "tnmt.head", "--member", "tnmt.deputy")
    assert stray.exit_code == 1 and "'convene' only" in stray.stderr
    small = hoso(runner, *convener, "--member", "tnmt.deputy", *MEMBERS[:2], *EXPERTS)
    assert small.exit_code == 1
    assert "needs at least 7 members; 5 named" in small.stderr

    ok = hoso(runner, *convener, "--member", "tnmt.deputy", *MEMBERS, *EXPERTS)
    assert ok.exit_code == 0, ok.output
    expect_listed(runner, "hd.expert-1", [code])  # each member's worklist holds it
    voted = hoso(
        runner, "act", code, "pass_with_revisions", "--as", "hd.expert-1",
        "--comment", "Bổ sung quan trắc",
    )  # fmt: skip
    assert voted.exit_code == 0, voted.output
    assert hoso(runner, "act", code, "pass", "--as", "tnmt.deputy").exit_code == 0
    expect_listed(runner, "hd.expert-1", [])  # voted: off the list
    expect_waiting(runner, "hd.expert-1", [])
    expect_waiting(runner, "tnmt.deputy", [(code, "chair")])  # voted, the conclusion is theirs
    shown = hoso(runner, "worklist", "--as", "tnmt.deputy").stdout
    assert "(chair)" in shown  # "your conclusion (chair)", wrapped at 80 columns
    expect_listed(runner, "hd.expert-2", [code])
    expect_listed(runner, "tnmt.head", [])  # convened it, not a member
    bad = hoso(runner, "list", "--voter", "x' OR 1=1")
    assert bad.exit_code == 1 and "--voter 'x' OR 1=1' is not a valid value" in bad.stderr

    shown = hoso(runner, "status", code)
    text = " ".join(shown.stdout.split())
    assert "council at council (convened by tnmt.head): voting, 2 of 7" in text
    assert "tnmt.deputy (chair) │ pass" in text
    assert "hd.expert-1 (expert) │ pass_with_revisi" in text  # the table wraps at 80 columns
    assert "tnmt.specialist │ - │" in text  # not voted yet
    history = hoso(runner, "history", code, "--json")
    notices = [e["detail"] for e in json.loads(history.stdout) if e["event"] == "notified"]
    assert "council_convened → tnmt.deputy, tnmt.specialist, xd.specialist" in " ".join(notices)
    council = state_of(runner, code)["councils"][0]
    assert [(v["member"], v["verdict"], v["comment"]) for v in council["votes"]] == [
        ("hd.expert-1", "pass_with_revisions", "Bổ sung quan trắc"),
        ("tnmt.deputy", "pass", ""),
    ]
