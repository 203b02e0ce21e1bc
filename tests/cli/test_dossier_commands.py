"""The CLI a one-stop officer uses: submit, status, act, history, list, withdraw."""

from __future__ import annotations

import hashlib
import json
import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.worker import Worker
from typer.testing import CliRunner

from activities.keys import write_private
from cli.context import open_context
from cli.stack import load_catalogue
from config import Settings, get_settings
from models.tables import DossierRecord
from starter import app
from support.credentials import issue_token
from support.errors import CatalogueError
from tests.cli.api_server import api_thread
from tests.workflows.harness import worker_thread
from worker import WORKFLOW_RUNNER, build_worker
from workflows.dossier import DossierWorkflow


def token_file(officer: str) -> Path | None:
    """A token for `officer` (issued once per test data folder); None if not in the registry."""
    settings = get_settings()
    # (not where development's sample tokens are: a test of "no token" finds none there)
    path = settings.data_dir / "test-tokens" / f"{officer}.token"
    if not path.exists():
        ctx = open_context(settings)
        try:
            credential = issue_token(ctx.sessions, settings, officer)
        except CatalogueError:
            return None
        path.parent.mkdir(mode=0o700, exist_ok=True)
        write_private(path, credential.token.encode())
    return path


# Who runs the API's commands that name no officer: the agency's one-stop officer (of the test's
# roster, or of the repository's samples).
COUNTERS = ("tn.reception", "tnmt.reception")
THROUGH_API = {"submit", "status", "history", "list"}


def hoso(runner: CliRunner, *args: str) -> Any:
    """Runs the CLI; with `--as OFFICER`, that officer's token is in HOSO_TOKEN_FILE (for the
    API's commands that name no officer, the one-stop officer's)."""
    officers: tuple[str, ...] = COUNTERS if args and args[0] in THROUGH_API else ()
    if "--as" in args:
        officers = (args[args.index("--as") + 1],)
    paths = [path for officer in officers if (path := token_file(officer))]
    env = {"HOSO_TOKEN_FILE": str(paths[0])} if paths else None
    get_settings.cache_clear()
    try:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()


def submitted(runner: CliRunner, settings: Settings, dossier_file: Path) -> str:
    load_catalogue(open_context(settings))
    result = hoso(runner, "submit", str(dossier_file))
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def state_of(runner: CliRunner, code: str) -> dict[str, Any]:
    result = hoso(runner, "status", code, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def wait_state(runner: CliRunner, code: str, **expected: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        state = state_of(runner, code)
        if all(state.get(k) == v for k, v in expected.items()):
            return state
        assert time.monotonic() < deadline, f"{code} never reached {expected}: {state}"
        time.sleep(0.3)


def test_submit_prints_the_code_then_duplicate_notice(
    runner: CliRunner, cli_settings: Settings, dossier_file: Path
) -> None:
    code = submitted(runner, cli_settings, dossier_file)
    assert re.fullmatch(r"so-tnmt-\d{6}-\d{4}", code)  # the day's number on the shared server
    again = hoso(runner, "submit", str(dossier_file))
    assert again.exit_code == 0
    assert again.stdout.strip() == f"already submitted as {code}"
    as_json = json.loads(hoso(runner, "submit", str(dossier_file), "--json").stdout)
    assert as_json["code"] == code and as_json["duplicate"] is True


def test_submit_refusal_is_one_red_line(
    runner: CliRunner, cli_settings: Settings, dossier_file: Path
) -> None:
    load_catalogue(open_context(cli_settings))
    dossier_file.write_text(dossier_file.read_text().replace("delivery: online", "delivery: post"))
    result = hoso(runner, "submit", str(dossier_file))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "'post'" in lines[0] and "Traceback" not in result.output


def test_unreachable_api_or_server_is_one_line(
    runner: CliRunner, cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalogue(open_context(cli_settings))  # the officer and their token
    monkeypatch.setenv("HOSO_API_URL", "http://127.0.0.1:1")
    result = hoso(runner, "status", "so-tnmt-250701-0001")
    assert result.exit_code == 1
    assert "no hoso API at http://127.0.0.1:1: is `hoso up` running?" in result.stderr
    cut_off = cli_settings.model_copy(update={"temporal_address": "127.0.0.1:1"})
    with api_thread(cut_off) as url:
        monkeypatch.setenv("HOSO_API_URL", url)
        result = hoso(runner, "status", "so-tnmt-250701-0001")
    assert result.exit_code == 1
    assert "cannot reach the Temporal server at 127.0.0.1:1" in result.stderr


def test_a_task_queue_that_would_break_the_server_queries_is_refused(
    runner: CliRunner, cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOSO_TASK_QUEUE", "hoso' OR TaskQueue != '")
    result = hoso(runner, "verify", "--all")
    assert result.exit_code == 1
    assert "task_queue" in result.stderr and "Traceback" not in result.output, result.output


def test_officer_actions_move_the_dossier_and_show_in_history(
    runner: CliRunner, worker: Settings, dossier_file: Path
) -> None:
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received", stage="reception")

    wrong = hoso(runner, "act", code, "accept", "--as", "tn.specialist")
    assert wrong.exit_code == 1
    assert "may not act at stage 'reception'" in wrong.stderr

    unknown = hoso(runner, "act", code, "accept", "--as", "nobody")
    # (the CLI host knows no registry: only the officer's token, and nobody has none)
    assert unknown.exit_code == 1 and "nobody: no officer token" in unknown.stderr

    ok = hoso(runner, "act", code, "accept", "--as", "tn.reception", "--comment", "Đủ hồ sơ")
    assert ok.exit_code == 0, ok.output
    assert "in_review" in ok.stdout
    state = state_of(runner, code)
    assert state["stage"] == "specialist" and state["due_date"]

    text = hoso(runner, "status", code)
    assert "specialist of environment-office" in text.stdout

    withdrawn = hoso(runner, "withdraw", code, "--as", "tn.reception", "--reason", "đổi ý")
    assert withdrawn.exit_code == 0, withdrawn.output
    wait_state(runner, code, status="withdrawn")

    history = json.loads(hoso(runner, "history", code, "--json").stdout)
    events = [entry["event"] for entry in history]
    assert events[0] == "submitted"
    accepted = [e for e in history if e["event"] == "act"]
    assert (
        accepted and "tn.reception" in accepted[0]["detail"] and "accept" in accepted[0]["detail"]
    )
    assert "withdraw" in events and events[-1] == "closed"
    assert "Đủ hồ sơ" in accepted[0]["detail"]
    report = hashlib.sha256((dossier_file.parent / "report.pdf").read_bytes()).hexdigest()
    assert f"documents: report ({report[:12]}…)" in history[0]["detail"]
    forms = [e["detail"] for e in history if e["event"] == "form issued"]
    assert forms and forms[0].startswith("receipt (")
    stages = [e["detail"] for e in history if e["event"] == "stage time"]
    assert stages[0] == "reception: 0 working days"  # accepted the day it arrived
    assert stages[1].startswith("specialist: 0 working days")


def workflows_only(client: Client, settings: Settings) -> Worker:
    """A worker that runs dossiers but none of their activities: the activity workers are down."""
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[DossierWorkflow],
        workflow_runner=WORKFLOW_RUNNER,
    )


def test_an_action_signed_for_a_lagging_record_is_signed_again_for_where_the_dossier_is(
    runner: CliRunner, worker: Settings, dossier_file: Path
) -> None:
    """The CLI signs for the stage the dossier's record says; when the record lags behind the
    dossier, the API answers 409 with the stage now and the CLI signs once more for it. A stage
    the officer names (`--stage`) is never changed for them."""
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received", stage="reception")
    sessions = open_context(worker).sessions
    deadline = time.monotonic() + 30
    while True:
        with sessions() as session:  # a record one step behind (its write not yet done)
            row = session.get(DossierRecord, code)
            if row is not None and row.stage == "reception":
                row.stage = "specialist"
                session.add(row)
                session.commit()
                break
        assert time.monotonic() < deadline, f"{code} was never recorded at reception"
        time.sleep(0.2)
    told = hoso(runner, "act", code, "accept", "--as", "tn.reception", "--stage", "specialist")
    assert told.exit_code == 1 and "rejected:" in told.stderr, told.output
    ok = hoso(runner, "act", code, "accept", "--as", "tn.reception")
    assert ok.exit_code == 0, ok.output
    assert f"{code}: in_review at specialist" in ok.stdout
    assert sum(1 for e in state_of(runner, code)["actions"] if e["action"] == "accept") == 1


def test_an_action_no_worker_takes_up_ends_with_a_clear_message_and_applies_later(
    runner: CliRunner,
    cli_settings: Settings,
    dossier_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with worker_thread(cli_settings, build_worker):
        code = submitted(runner, cli_settings, dossier_file)
        wait_state(runner, code, status="received", stage="reception")

    monkeypatch.setenv("HOSO_ACTION_WAIT_SECONDS", "3")
    waits_3s = cli_settings.model_copy(update={"action_wait_seconds": 3})
    with (  # the worker answers queries, runs no activity; the API waits 3 s for an answer
        api_thread(waits_3s) as url,
        worker_thread(cli_settings, workflows_only),
    ):
        monkeypatch.setenv("HOSO_API_URL", url)
        started = time.monotonic()
        stuck = hoso(runner, "act", code, "accept", "--as", "tn.reception")
        waited = time.monotonic() - started
        assert stuck.exit_code == 1
        assert f"dossier {code} gave no answer to the act within 3 s" in stuck.stderr
        assert f"check `hoso status {code}` before sending it again" in stuck.stderr
        assert "Traceback" not in stuck.output
        assert waited < 30  # the command gave up; the SDK alone would wait for ever
        pushed = hoso(runner, "calendar", "push", "--as", "tn.operator", "--json")
        assert pushed.exit_code == 0, pushed.output
        rows = {row["code"]: row["change"] for row in json.loads(pushed.stdout)}
        assert rows[code] == "not reached: no worker answered"

    # The workers are back: the officer's action, sent, takes effect. (The calendar change was
    # signed for the stage the dossier was then at: it lands only if the dossier took it before
    # the acceptance moved it on, and is refused otherwise — either way nothing is applied twice.)
    monkeypatch.setenv("HOSO_API_URL", cli_settings.api_url)
    with worker_thread(cli_settings, build_worker):
        state = wait_state(runner, code, status="in_review", stage="specialist")
    assert [a["action"] for a in state["actions"]].count("accept") == 1


def test_list_filters_by_status_and_renders_a_table(
    runner: CliRunner, worker: Settings, dossier_file: Path
) -> None:
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received")
    deadline = time.monotonic() + 30
    while True:  # visibility is eventually consistent
        rows = json.loads(hoso(runner, "list", "--status", "received", "--json").stdout)
        if any(row["code"] == code for row in rows):
            break
        assert time.monotonic() < deadline, rows
        time.sleep(0.5)
    row = next(row for row in rows if row["code"] == code)
    assert row["procedure"] == "9.000002" and row["stage"] == "reception"
    table = hoso(
        runner, "list", "--procedure", "9.000002", "--status", "received", "--limit", "500"
    )
    assert code in table.stdout
    bad = hoso(runner, "list", "--status", "nonsense")
    assert bad.exit_code == 1 and "--status 'nonsense'" in bad.stderr


def test_status_answers_without_a_worker_from_the_history(
    runner: CliRunner,
    cli_settings: Settings,
    dossier_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with worker_thread(cli_settings, build_worker):
        closed = submitted(runner, cli_settings, dossier_file)
        wait_state(runner, closed, status="received")
        assert hoso(runner, "withdraw", closed, "--as", "tn.reception").exit_code == 0
        wait_state(runner, closed, status="withdrawn")
        another = dossier_file.with_name("another.yaml")
        another.write_text(dossier_file.read_text().replace("001099012345", "001099054321"))
        running = submitted(runner, cli_settings, another)
        wait_state(runner, running, status="received")
        assert hoso(runner, "act", running, "accept", "--as", "tn.reception").exit_code == 0

    # No worker: a closed dossier's state is its result; a running one's, its last recorded.
    monkeypatch.setattr("operations.dossiers.QUERY_TIMEOUT", timedelta(seconds=2))  # the API's
    done = hoso(runner, "status", closed, "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["status"] == "withdrawn" and not done.stderr
    waiting = hoso(runner, "status", running, "--json")
    assert waiting.exit_code == 0, waiting.output
    state = json.loads(waiting.stdout)
    assert (state["status"], state["stage"]) == ("in_review", "specialist")
    assert f"{running}: no worker answered within 2 s" in waiting.stderr
