"""Issue 22, item 14: refused forgeries leave a trace. Operators see every refused attempt —
officer, dossier, reason, time, no personal data — through the API and `hoso refusals`, and a
burst of them stands out."""

from __future__ import annotations

import asyncio
import json

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from config import Settings
from models.actions import OfficerAction
from models.officer import OfficerIdentity
from operations.access import Caller
from operations.refusals import BURST_COUNT, refusals
from operations.services import Services
from tests.cli.api_server import signed_in_as
from tests.security.dossiers import hoso
from tests.workflows.harness import (
    APPLICANT,
    assignee,
    procedure,
    running_worker,
    sign,
    start,
    submission,
)
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)
SECRET_COMMENT = "Ghi chú nội bộ 0912345678"


async def test_operators_see_refused_forgeries_and_their_burst(
    skip_env: WorkflowEnvironment, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    proc = procedure("permit")
    reception = assignee(proc, "reception")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, submission("permit"))
        accept = OfficerAction(officer=reception, action="accept", comment=SECRET_COMMENT)
        signed = await sign(handle, DossierWorkflow.act, accept)
        # The comment altered after signing, again and again, straight at Temporal.
        for n in range(BURST_COUNT + 1):
            forged = signed.model_copy(update={"comment": f"{SECRET_COMMENT} {n}"})
            with pytest.raises(WorkflowUpdateFailedError):
                await handle.execute_update(DossierWorkflow.act, forged)
        # Unsigned, claiming the decision-maker.
        director = assignee(proc, "decide")
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(
                DossierWorkflow.act, OfficerAction(officer=director, action="approve")
            )

        services = Services.from_settings(settings)
        province = Caller(
            officer=OfficerIdentity(
                id="ops.operator", role="operator", unit="operations", agency="trung-tam-hcc"
            ),
            token_id="0" * 32,
        )
        for _ in range(100):  # the worker writes them from a thread of its own
            if len(refusals(province, services, dossier=handle.id).attempts) >= BURST_COUNT + 2:
                break
            await asyncio.sleep(0.1)

        with signed_in_as(settings, "ops.operator", monkeypatch):
            result = await asyncio.to_thread(hoso, "refusals", "--dossier", handle.id, "--json")
            assert result.exit_code == 0, result.output
            text = await asyncio.to_thread(hoso, "refusals", "--dossier", handle.id)
        found = json.loads(result.output)
        attempts = found["attempts"]
        assert len(attempts) == BURST_COUNT + 2
        altered = [a for a in attempts if a["officer"] == reception.id]
        assert len(altered) == BURST_COUNT + 1
        assert all(a["dossier"] == handle.id and a["update"] == "act" for a in altered)
        assert all("does not match the action (altered)" in a["reason"] for a in altered)
        assert any(
            a["officer"] == director.id and "unsigned action" in a["reason"] for a in attempts
        )
        first = found["officers"][0]
        assert (first["officer"], first["burst"]) == (reception.id, True)
        assert first["count"] == BURST_COUNT + 1
        # no personal data: neither the comment nor the applicant
        assert SECRET_COMMENT not in result.output and APPLICANT.name not in result.output
        assert f"{reception.id}: {BURST_COUNT + 1} refused" in text.output
        assert "a burst" in text.output

        # An operator of another agency sees none of this agency's dossier's refusals.
        other = Caller(
            officer=OfficerIdentity(
                id="tnmt.operator", role="operator", unit="operations", agency="so-tnmt"
            ),
            token_id="0" * 32,
        )
        assert refusals(other, services, dossier=handle.id).attempts == []
