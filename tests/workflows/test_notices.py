"""A notice some of its recipients were refused (a mailbox that no longer exists) reaches the
others once, and the dossier records what the refused ones missed, for operators to see."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from config import Settings
from tests.activities.conftest import Inbox, free_port, specialist
from tests.workflows.harness import act, assignee, procedure, running_worker, start, submission
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)
GONE = "tnmt.gone@example.gov.vn"


class RefusingOne(Inbox):
    """Takes every message, but refuses GONE's mailbox for good."""

    async def handle_RCPT(
        self, server: object, session: object, envelope: Any, address: str, options: object
    ) -> str:
        if address == GONE:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


async def test_a_notice_partly_refused_is_recorded_in_the_dossier(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    inbox, port = RefusingOne(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    smtp = settings.model_copy(update={"notification_channel": "smtp", "smtp_port": port})
    proc = procedure("eia")
    try:
        async with running_worker(skip_env, smtp) as queue:
            with Session(make_engine(smtp.resolved_database_url)) as session:
                # Two specialists; one has left and their mailbox with them.
                session.add_all([specialist("tnmt.specialist"), specialist("tnmt.gone")])
                session.commit()
            handle = await start(skip_env.client, queue, submission("eia"))
            state = await act(handle, assignee(proc, "reception"), "accept")
            assert state.stage == "specialist"
            for _ in range(200):  # the notice goes out while the dossier moves on
                state = await handle.query(DossierWorkflow.state)
                if state.failures:
                    break
                await asyncio.sleep(0.05)
    finally:
        controller.stop()
    [failure] = state.failures
    assert failure.startswith(f"notification {state.code}:") and "stage_assigned" in failure
    assert failure.endswith("sent, but 1 of 2 recipients refused (550); not sent again")
    assert GONE not in failure
    assigned = [
        to for to, message in inbox.messages if "Thẩm định chuyên môn" in str(message["Subject"])
    ]
    assert assigned == [["tnmt.specialist@example.gov.vn"]]
