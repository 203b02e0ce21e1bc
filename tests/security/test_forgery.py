"""Forged actions sent straight to the Temporal frontend are refused by the dossier itself.

Whoever can reach the server can send any update; only a valid, unexpired, unrevoked credential
of the right officer, signed for this dossier and stage, moves a dossier.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine, session_factory
from config import Settings
from models.actions import Cancellation, OfficerAction, OfficerIdentity, RetryRequest
from models.state import DossierState
from support.catalogue import load_officers, publish_officers
from support.credentials import Credential, Issuer, issue_token, revoke
from tests.workflows.harness import (
    PROCEDURES,
    assignee,
    credential,
    officer_for,
    procedure,
    running_worker,
    server_time,
    start,
    submission,
)
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)


async def refused(handle: WorkflowHandle, update, item) -> str:  # type: ignore[no-untyped-def]
    """Sends a signed (or forged) item as is; it must be refused and change nothing."""
    before: DossierState = await handle.query(DossierWorkflow.state)
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await handle.execute_update(update, item)
    assert await handle.query(DossierWorkflow.state) == before
    return str(failure.value.cause)


def signed(cred: Credential, item, code: str, stage: str | None, update: str = "act"):  # type: ignore[no-untyped-def]
    return cred.sign(item, dossier=code, stage=stage, update=update)


async def test_every_forgery_is_refused_by_the_dossier(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("permit")
    sub = submission("permit")
    reception = assignee(proc, "reception")
    first = proc.chain[0].id
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        now = await server_time(skip_env.client)

        def signed(cred: Credential, item, code: str, stage: str | None, update: str = "act"):  # type: ignore[no-untyped-def]
            return cred.sign(item, dossier=code, stage=stage, update=update, at=now)

        genuine = credential(reception)
        accept = OfficerAction(officer=reception, action="accept", comment="Đủ")

        # Unsigned: the caller only claims to be the reception officer.
        reason = await refused(handle, DossierWorkflow.act, accept)
        assert "unsigned action by" in reason

        # A key of one's own, certified by an issuer the agency does not know.
        rogue = Issuer.create(settings.data_dir / "rogue-keys", "rogue").certify(reception)
        reason = await refused(handle, DossierWorkflow.act, signed(rogue, accept, sub.code, first))
        assert "unknown issuer" in reason

        # A genuine credential whose certificate was edited to claim another role.
        promoted = reception.model_copy(update={"role": "leader"})
        cert = genuine.certificate.model_copy(update={"officer": promoted})
        tampered = Credential(cert, genuine.key)
        item = OfficerAction(officer=promoted, action="accept", comment="Đủ")
        reason = await refused(handle, DossierWorkflow.act, signed(tampered, item, sub.code, first))
        assert "forged or altered" in reason

        # The action claims a role the credential does not certify.
        good = signed(genuine, accept, sub.code, first)
        claimed = good.model_copy(update={"officer": promoted})
        reason = await refused(handle, DossierWorkflow.act, claimed)
        assert "the credential certifies" in reason

        # Comment altered after signing.
        altered = good.model_copy(update={"comment": "Không đủ"})
        reason = await refused(handle, DossierWorkflow.act, altered)
        assert "does not match the action" in reason

        # Signed for another dossier, another stage, another update.
        reason = await refused(
            handle, DossierWorkflow.act, signed(genuine, accept, "other-dossier", first)
        )
        assert "signed for dossier other-dossier" in reason
        reason = await refused(
            handle, DossierWorkflow.act, signed(genuine, accept, sub.code, "decision")
        )
        assert "signed for stage 'decision'" in reason
        cancel = Cancellation(officer=reception, reason="x")
        reason = await refused(
            handle, DossierWorkflow.cancel, signed(genuine, cancel, sub.code, first, "act")
        )
        assert "is for 'act', not 'cancel'" in reason

        # Another unit's officer with a perfectly valid credential.
        stranger = OfficerIdentity(
            id="x.reception", role="reception_officer", unit="one-stop", agency="so-tnmt"
        )
        other = signed(
            credential(stranger), accept.model_copy(update={"officer": stranger}), sub.code, first
        )
        reason = await refused(handle, DossierWorkflow.act, other)
        assert "may not act at stage" in reason

        # An operator action by an officer who is not an operator.
        reason = await refused(
            handle, DossierWorkflow.cancel, signed(genuine, cancel, sub.code, first, "cancel")
        )
        assert "only an operator" in reason

        # An expired credential.
        issuer = Issuer.from_settings(settings)
        old = issuer.certify(
            reception, valid_for=timedelta(days=1), now=datetime(2020, 1, 1, tzinfo=UTC)
        )
        reason = await refused(handle, DossierWorkflow.act, signed(old, accept, sub.code, first))
        assert "expired on 2020-01-02" in reason

        # The genuine action goes through; sent again (replayed), it is refused.
        receipt = await handle.execute_update(DossierWorkflow.act, good)
        assert receipt.status.value == "in_review"
        reason = await refused(handle, DossierWorkflow.act, good)
        assert "signed for stage" in reason or "already used" in reason
        state = await handle.query(DossierWorkflow.state)
        assert [a.actor for a in state.actions if a.action == "accept"] == [reception.id]


async def test_a_revoked_token_stops_working_in_running_dossiers(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    """Revocation reaches open dossiers by `refresh_trust`; the dossier refuses the token.
    (Real time: tokens from the register expire in real days.)"""
    sessions = session_factory(make_engine(settings.resolved_database_url))
    roster = load_officers(PROCEDURES / "officers.yaml")
    proc = procedure("permit")
    reception = assignee(proc, "reception")
    operator = officer_for(role="operator")
    async with running_worker(dev_env, settings) as queue:
        with sessions() as session:
            publish_officers(session, roster)
        token = issue_token(sessions, settings, reception.id)
        sub = submission("permit")
        handle = await start(dev_env.client, queue, sub)
        first = proc.chain[0].id
        accept = OfficerAction(officer=reception, action="accept", comment="Đủ")

        assert revoke(sessions, reception.id, by=operator.id) == [token.certificate.token_id]
        await handle.signal(DossierWorkflow.refresh_trust)
        reason = await refused(handle, DossierWorkflow.act, signed(token, accept, sub.code, first))
        assert f"({token.certificate.token_id}) is revoked" in reason

        # A new token for the same officer works.
        fresh = issue_token(sessions, settings, reception.id)
        receipt = await handle.execute_update(
            DossierWorkflow.act, signed(fresh, accept, sub.code, first)
        )
        assert receipt.status.value == "in_review"
        retry = RetryRequest(officer=operator, note="x")
        ops = credential(operator)
        receipt = await handle.execute_update(
            DossierWorkflow.retry, signed(ops, retry, sub.code, receipt.stage, "retry")
        )
        state = await handle.query(DossierWorkflow.state)
        assert state.actions[-1].actor == operator.id and state.actions[-1].seq == receipt.seq
