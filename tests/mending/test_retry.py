"""An operator mends a dossier whose notice keeps failing: the SMTP server was down."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from config import Settings
from models.tables import NotificationRecord
from support.devserver import free_port
from support.dossier_retry import retry_dossier
from support.dossier_timeline import timeline
from tests.workflows.harness import credential, officer_for, start, submission, use_issuer
from worker import build_worker
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)


class Inbox:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


async def pending_attempt(env: WorkflowEnvironment, code: str) -> int:
    description = await env.client.get_workflow_handle(code).describe()
    attempts = [p.attempt for p in description.raw_description.pending_activities]
    return max(attempts, default=0)


async def test_retry_is_recorded_and_reruns_the_failing_notice_once_the_server_is_back(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    port = free_port()
    settings = settings.model_copy(
        update={
            "notification_channel": "smtp",
            "smtp_port": port,
            "task_queue": f"m-{uuid.uuid4()}",
        }
    )
    sub = submission("extract")
    use_issuer(settings)
    async with build_worker(dev_env.client, settings):
        handle = await start(dev_env.client, settings.task_queue, sub)
        deadline = time.monotonic() + 30
        while await pending_attempt(dev_env, sub.code) < 3:  # failing, backing off
            assert time.monotonic() < deadline
            await asyncio.sleep(0.5)
        failing = [e for e in await timeline(dev_env.client, sub.code) if e.event == "retrying"]
        assert failing and failing[0].detail.startswith("dossier_submitted → applicant: attempt")

        refused = credential(officer_for(role="reception_officer", agency="ubnd-xa"))
        with pytest.raises(WorkflowUpdateFailedError) as failure:
            await retry_dossier(dev_env.client, "default", sub.code, refused)
        assert "only an operator" in str(failure.value.cause)

        inbox = Inbox()
        server = Controller(inbox, hostname="127.0.0.1", port=port)
        server.start()
        try:
            operator = credential(officer_for(role="operator"))
            rerun = await retry_dossier(
                dev_env.client, "default", sub.code, operator, "SMTP server restarted"
            )
            assert rerun and rerun[0].startswith("send_notification")
            deadline = time.monotonic() + 30
            while (
                inbox.count < 1
            ):  # the applicant's submission notice (officers have no email here)
                assert time.monotonic() < deadline, "the notices were not sent"
                await asyncio.sleep(0.2)
        finally:
            server.stop()
        state = await handle.query(DossierWorkflow.state)
        await handle.terminate("test finished")
    assert any(a.action == "retry" and a.actor == operator.officer.id for a in state.actions)
    with Session(make_engine(settings.resolved_database_url)) as session:
        notices = session.exec(
            select(NotificationRecord).where(NotificationRecord.dossier_code == sub.code)
        ).all()
    first = next(n for n in notices if n.template == "dossier_submitted")
    assert first.sent_at is not None and first.attempts >= 3
