"""Issue 22, item 11: a signed action is good for a short time and one attempt. Kept after a
refusal and sent again once the dossier has moved on, the same bytes are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from config import Settings
from models.actions import OfficerAction, RetryRequest, Supplement
from models.credentials import Proof, b64
from tests.workflows.harness import (
    act,
    assignee,
    credential,
    officer_for,
    procedure,
    running_worker,
    send,
    sign,
    start,
    submission,
)
from workflows.dossier import DossierWorkflow
from workflows.identity import SIGNATURE_LIFETIME

pytestmark = pytest.mark.timeout(120)


async def test_a_refused_action_sent_again_after_the_supplement_is_refused(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("permit")
    reception = assignee(proc, "reception")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, submission("permit"))
        await act(handle, reception, "request_supplement", missing=["Bản vẽ mặt bằng"])

        # Signed while the dossier waits for the applicant: refused, and kept by someone.
        refuse = OfficerAction(officer=reception, action="refuse", comment="Không đủ điều kiện")
        kept = await sign(handle, DossierWorkflow.act, refuse)
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(DossierWorkflow.act, kept)

        state = await send(handle, DossierWorkflow.supplement, Supplement(note="Bổ sung bản vẽ"))
        assert state.status.value == "received"
        await skip_env.sleep(SIGNATURE_LIFETIME + timedelta(minutes=1))

        # The same bytes, later: refused as stale; the dossier is not refused.
        with pytest.raises(WorkflowUpdateFailedError) as failure:
            await handle.execute_update(DossierWorkflow.act, kept)
        assert "minutes ago (stale or replayed): sign it again" in str(failure.value.cause)
        state = await handle.query(DossierWorkflow.state)
        assert state.status.value == "received"
        assert [a.action for a in state.actions].count("refuse") == 0

        # A proof without its signing time (as made before) is refused too.
        accept = await sign(
            handle, DossierWorkflow.act, OfficerAction(officer=reception, action="accept")
        )
        assert accept.proof is not None
        proof = accept.proof
        unstamped = proof.model_copy(update={"signed_at": None})
        message = Proof.binding(
            accept, dossier=proof.dossier, stage=proof.stage, update="act", nonce=proof.nonce
        )
        resigned = unstamped.model_copy(
            update={"signature": b64(credential(reception).key.sign(message))}
        )
        with pytest.raises(WorkflowUpdateFailedError) as failure:
            await handle.execute_update(
                DossierWorkflow.act, accept.model_copy(update={"proof": resigned})
            )
        assert "carries no signing time" in str(failure.value.cause)

        # Signed now, it goes through once; the same bytes again are refused.
        state = await handle.execute_update(DossierWorkflow.act, accept)
        assert state.status.value == "in_review"
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(DossierWorkflow.act, accept)


async def test_a_reset_readmits_only_the_actions_its_signed_note_names(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    """`hoso unstick` re-sends actions signed before the reset: the operator's signed note names
    them, and the dossier admits those once more — no other stale action."""
    proc = procedure("permit")
    reception = assignee(proc, "reception")
    operator = officer_for(role="operator")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, submission("permit"))
        accept = await sign(
            handle, DossierWorkflow.act, OfficerAction(officer=reception, action="accept")
        )
        other = await sign(
            handle, DossierWorkflow.act, OfficerAction(officer=reception, action="refuse")
        )
        await skip_env.sleep(SIGNATURE_LIFETIME + timedelta(minutes=1))
        assert accept.proof is not None
        note = RetryRequest(officer=operator, note="reset", readmit=[accept.proof.nonce])
        await send(handle, DossierWorkflow.retry, note)

        with pytest.raises(WorkflowUpdateFailedError) as failure:
            await handle.execute_update(DossierWorkflow.act, other)
        assert "sign it again" in str(failure.value.cause)
        state = await handle.execute_update(DossierWorkflow.act, accept)
        assert state.status.value == "in_review"
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(DossierWorkflow.act, accept)
