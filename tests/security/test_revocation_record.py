"""Issue 22, items 6 and 12: a revocation cannot be undone from the database, and an officer
whose role or unit changes loses what their old certificate could do, in the workflow too.

Real time (the dev server): tokens from the register expire in real days.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
import yaml
from sqlalchemy import text
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine, session_factory
from activities.document_store import DocumentStore
from config import Settings
from models.actions import OfficerAction
from operations.access import Caller
from operations.services import Services
from operations.tokens import tokens
from support.catalogue import load_officers, publish_officers, publish_paths
from support.credentials import Credential, CredentialError, authenticate, issue_token, revoke
from support.open_dossiers import refresh_trust
from support.seals import public_seals
from support.verify import verify_dossier
from tests.workflows.harness import (
    PROCEDURES,
    assignee,
    officer_for,
    procedure,
    running_worker,
    start,
    submission,
)
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(180)


async def loads(handle: WorkflowHandle) -> int:
    """How many times the dossier has loaded its trust anchors."""
    count = 0
    scheduled: set[int] = set()
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            if event.activity_task_scheduled_event_attributes.activity_type.name == "load_trust":
                scheduled.add(event.event_id)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            count += event.activity_task_completed_event_attributes.scheduled_event_id in scheduled
    return count


async def reloaded(handle: WorkflowHandle, reload: Callable[[], object]) -> None:
    """Asks for a reload and waits until the dossier has loaded its anchors once more."""
    before = await loads(handle)
    await reload()  # type: ignore[misc]
    for _ in range(300):
        if await loads(handle) > before:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the dossier did not reload its trust anchors")


async def refused_with(handle: WorkflowHandle, token: Credential, action: OfficerAction) -> str:
    stage = await handle.query(DossierWorkflow.stage)
    signed = token.sign(action, dossier=handle.id, stage=stage, update="act")
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await handle.execute_update(DossierWorkflow.act, signed)
    return str(failure.value.cause)


async def test_a_revocation_undone_in_the_database_stays_and_verify_names_it(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    sessions = session_factory(make_engine(settings.resolved_database_url))
    proc = procedure("permit")
    reception = assignee(proc, "reception")
    operator = officer_for(role="operator")
    accept = OfficerAction(officer=reception, action="accept", comment="Đủ")
    async with running_worker(dev_env, settings) as queue:
        with sessions() as session:
            publish_officers(session, load_officers(PROCEDURES / "officers.yaml"))
        token = issue_token(sessions, settings, reception.id)
        token_id = token.certificate.token_id
        handle = await start(dev_env.client, queue, submission("permit"))
        await reloaded(handle, lambda: asyncio.sleep(0))  # its first load, at the start
        assert revoke(sessions, token_id, by=operator.id) == [token_id]
        await reloaded(handle, lambda: handle.signal(DossierWorkflow.refresh_trust))

        # Someone with a database account undoes the revocation in the token list.
        with sessions() as session:
            session.execute(text("UPDATE officer_token SET revoked_at = NULL, revoked_by = NULL"))
            session.commit()
        with pytest.raises(CredentialError, match="was revoked"):
            authenticate(sessions, settings, token.token)
        ops = Caller(officer=operator, token_id="0" * 32)
        listed = tokens(ops, Services.from_settings(settings), reception.id)
        assert [(t.token_id, t.revoked_by) for t in listed] == [(token_id, operator.id)]
        await reloaded(handle, lambda: handle.signal(DossierWorkflow.refresh_trust))
        assert f"({token_id}) is revoked" in await refused_with(handle, token, accept)
        later = await start(dev_env.client, queue, submission("permit"))
        assert f"({token_id}) is revoked" in await refused_with(later, token, accept)

        store = DocumentStore(settings.resolved_document_dir)
        report = await verify_dossier(
            dev_env.client, sessions, store, public_seals(settings), handle.id
        )
        assert any(
            f"revocation of token {token_id}" in line and "was undone" in line
            for line in report.differences
        ), report.differences

        # The register itself emptied: the open dossier keeps the revocation it loaded, and
        # its history still shows it.
        with sessions() as session:
            session.execute(text("DELETE FROM token_revocation"))
            session.commit()
        await reloaded(handle, lambda: handle.signal(DossierWorkflow.refresh_trust))
        assert f"({token_id}) is revoked" in await refused_with(handle, token, accept)
        report = await verify_dossier(
            dev_env.client, sessions, store, public_seals(settings), handle.id
        )
        assert any(
            f"token {token_id} was revoked when this dossier loaded" in line
            and "no longer holds it" in line
            for line in report.differences
        ), report.differences


async def test_an_officer_moved_to_another_unit_cannot_act_with_the_old_certificate(
    dev_env: WorkflowEnvironment, settings: Settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    sessions = session_factory(make_engine(settings.resolved_database_url))
    proc = procedure("permit")
    reception = assignee(proc, "reception")
    roster = yaml.safe_load((PROCEDURES / "officers.yaml").read_text(encoding="utf-8"))
    async with running_worker(dev_env, settings) as queue:
        with sessions() as session:
            publish_officers(session, load_officers(PROCEDURES / "officers.yaml"))
        old = issue_token(sessions, settings, reception.id)
        handle = await start(dev_env.client, queue, submission("permit"))
        await reloaded(handle, lambda: asyncio.sleep(0))

        # The roster moves the reception officer to another unit, as `hoso procedures load`.
        for officer in roster["officers"]:
            if officer["id"] == reception.id:
                officer["unit"] = "environment-office"
        moved = tmp_path / "officers.yaml"
        moved.write_text(yaml.safe_dump(roster, allow_unicode=True), encoding="utf-8")
        with sessions() as session:
            report = publish_paths(session, [moved])
        await reloaded(handle, lambda: refresh_trust(dev_env.client, queue))

        # A direct update with the old certificate, as it certified them, is refused.
        action = OfficerAction(officer=reception, action="accept", comment="Đủ")
        assert "is revoked" in await refused_with(handle, old, action)
        assert (await handle.query(DossierWorkflow.state)).status.value == "received"
        assert report.revoked == [old.certificate.token_id]
