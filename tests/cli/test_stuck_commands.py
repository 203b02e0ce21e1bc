"""An operator finds a dossier whose history today's code cannot replay (workers with other
workflow code ran one of its actions: a deploy rolled back) and resets it with `hoso unstick`."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import (
    HandleUpdateInput,
    Interceptor,
    Worker,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)
from typer.testing import CliRunner

from activities.database import make_engine
from config import Settings
from models.tables import ActionRecord
from tests.cli.test_dossier_commands import hoso, submitted, wait_state
from tests.workflows.harness import worker_thread
from worker import build_worker

pytestmark = pytest.mark.timeout(180)


class _Drifted(WorkflowInboundInterceptor):
    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
        if not workflow.unsafe.is_replaying():  # the actions it runs itself give a command
            workflow.upsert_memo({"rolled-back-build": "41"})  # that today's code does not
        return await super().handle_update_handler(input)


class Drift(Interceptor):
    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        return _Drifted


def drifted_worker(client: Client, settings: Settings) -> Worker:
    """hoso's worker as a deploy that changed the workflow without a patch would run it."""
    return build_worker(client, settings, interceptors=[Drift()])


def stuck_list(runner: CliRunner, code: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        listed = hoso(runner, "stuck", "--as", "tn.operator")
        assert listed.exit_code == 0, listed.output
        if code in listed.stdout:
            return listed.stdout
        assert time.monotonic() < deadline, f"{code} never listed as stuck: {listed.stdout}"
        time.sleep(1)


def test_a_dossier_whose_history_no_longer_replays_is_reset_and_its_actions_sent_again(
    runner: CliRunner, cli_settings: Settings, dossier_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with worker_thread(cli_settings, build_worker):
        code = submitted(runner, cli_settings, dossier_file)
        wait_state(runner, code, status="received", stage="reception")
        assert hoso(runner, "act", code, "accept", "--as", "tn.reception").exit_code == 0
        assert (
            "no dossier's workflow task is failing"
            in hoso(runner, "stuck", "--as", "tn.operator").stdout
        )
    with worker_thread(cli_settings, drifted_worker):
        approved = hoso(runner, "act", code, "approve", "--as", "tn.specialist")
        assert approved.exit_code == 0, approved.output

    with worker_thread(cli_settings, build_worker):
        # Anything that gives the dossier a workflow task makes today's worker replay it.
        assert hoso(runner, "officers", "refresh-trust").exit_code == 0
        listed = stuck_list(runner, code)
        assert "Nondeterminism" in listed
        assert "its history replays up to the task completed at event" in listed

        async def older_server(client: Client) -> bool:
            return False  # a server before TemporalReportedProblems: asked dossier by dossier

        with monkeypatch.context() as patched:
            patched.setattr("support.stuck_dossiers._flags_problems", older_server)
            scanned = hoso(runner, "stuck", "--as", "tn.operator").stdout
            assert f"{code}: workflow task failed" in scanned and "Nondeterminism" in scanned

        status = hoso(runner, "status", code, "--json")
        assert status.exit_code == 0, status.output
        assert json.loads(status.stdout)["stage"] == "decide"
        assert "its workflow task keeps failing (attempt" in status.stderr

        refused = hoso(runner, "unstick", code, "--as", "tn.specialist", "--reason", "x")
        assert refused.exit_code == 1
        assert "only an operator may reset a dossier; tn.specialist is not one" in refused.stderr

        reason = "workers of build 41 ran one action; rolled back"
        done = hoso(runner, "unstick", code, "--as", "tn.operator", "--reason", reason)
        assert done.exit_code == 0, done.output
        assert f"{code}: reset to event" in done.stdout
        assert "re-sent act" in done.stdout and ": applied" in done.stdout

        state = wait_state(runner, code, status="in_review", stage="decide")
        assert [a["action"] for a in state["actions"]] == ["accept", "retry", "approve"]
        recorded = state["actions"][1]  # the reset, in the dossier's record, by the operator
        assert recorded["actor"] == "tn.operator" and reason in recorded["comment"]
        assert (
            "no dossier's workflow task is failing"
            in hoso(runner, "stuck", "--as", "tn.operator").stdout
        )
        again = hoso(runner, "unstick", code, "--as", "tn.operator", "--reason", reason)
        assert again.exit_code == 1
        assert f"{code}: its workflow task is not failing; nothing to reset" in again.stderr

        # The dossier goes on under today's code, its record unbroken.
        assert hoso(runner, "act", code, "approve", "--as", "tn.director").exit_code == 0
        wait_state(runner, code, status="completed")
        history = json.loads(hoso(runner, "history", code, "--json").stdout)
        resets = [e["detail"] for e in history if e["event"] == "reset"]
        assert len(resets) == 1 and resets[0].startswith(f"hoso unstick by tn.operator: {reason}")
        verified = hoso(runner, "verify", code, "--as", "tn.operator")
        assert verified.exit_code == 0, verified.output

    with Session(make_engine(cli_settings.resolved_database_url)) as session:
        actions = session.exec(select(ActionRecord).where(ActionRecord.dossier_code == code))
        assert sorted(a.action for a in actions.all()) == ["accept", "approve", "approve", "retry"]
