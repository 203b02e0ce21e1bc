"""Appointments through the real API: uvicorn on 127.0.0.1 in a thread of its own over the
test's database and the session's dev server, a worker in another thread, a real SMTP receiver
for the reminders, and the sample catalogue (procedures/counters.yaml included); `client` reads
the workflows as the API does (through the payload codec)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.database import create_schema, make_engine, session_factory
from config import Settings, get_settings
from logs import configure_logging
from support.bootstrap import publish_bundled
from support.client import connect
from support.credentials import Credential, issue_token
from support.devserver import free_port
from support.intake import Sessions
from support.request_signing import OfficerAuth
from tests.activities.conftest import Inbox
from tests.cli.api_server import api_thread
from tests.situations import Situations
from tests.workflows.harness import worker_thread

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"
EXTRACT = "2.000635"  # ubnd-xa's one-stop unit: one counter, two places a slot
PERMIT = "1.009994"  # so-xay-dung's: two counters, one place each


@dataclass
class Counters:
    http: httpx.AsyncClient
    settings: Settings
    sessions: Sessions
    inbox: Inbox
    client: Client
    credentials: dict[str, Credential] = field(default_factory=dict)

    def auth(self, officer_id: str) -> OfficerAuth:
        if officer_id not in self.credentials:
            self.credentials[officer_id] = issue_token(self.sessions, self.settings, officer_id)
        return OfficerAuth(self.credentials[officer_id])

    async def slots(self, procedure: str = EXTRACT, **params: Any) -> list[dict[str, Any]]:
        response = await self.http.get(
            "/api/v1/public/appointments/slots", params={"procedure": procedure, **params}
        )
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["slots"]
        return found

    async def book(self, start: str, procedure: str = EXTRACT, **person: Any) -> httpx.Response:
        return await self.http.post(
            "/api/v1/public/appointments",
            json={"procedure": procedure, "start": start, **citizen(), **person},
        )


def citizen(n: int = 12345, **changes: Any) -> dict[str, Any]:
    return {
        "name": "Nguyễn Văn An",
        "phone": "0912 345 678",
        "id_number": f"001{n:09d}",
        "email": "an@example.vn",
        **changes,
    }


def situations() -> Situations:
    return Situations.after(datetime.now(UTC))


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def days_ahead() -> int:
    """How many days ahead a citizen may book (a module that needs more overrides it)."""
    return 60


@pytest_asyncio.fixture(loop_scope="session")
async def counters(
    dev_env: WorkflowEnvironment,
    settings: Settings,
    smtp: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
    days_ahead: int,
) -> AsyncIterator[Counters]:
    inbox, port = smtp
    # hoso's lines at INFO, as `hoso serve` and the worker log them (a CLI test run before may have
    # set less); the level is given back after the test
    level = logging.getLogger().level
    configure_logging("INFO")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the test's SMTP receiver, not hoso
    for name, value in {
        "HOSO_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "HOSO_TASK_QUEUE": f"appointments-{uuid.uuid4()}",
        "HOSO_NOTIFICATION_CHANNEL": "smtp",
        "HOSO_SMTP_PORT": str(port),
        "HOSO_API_RATE_BOOKINGS": "1000/minute",
        "HOSO_APPOINTMENTS_DAYS_AHEAD": str(days_ahead),
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    own = get_settings()
    engine = make_engine(own.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        publish_bundled(session, own)
    from worker import build_worker

    with worker_thread(own, build_worker), api_thread(own) as url:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            client = await connect(own)
            try:
                yield Counters(http, own, sessions, inbox, client)
            finally:
                logging.getLogger().setLevel(level)
    engine.dispose()
    get_settings.cache_clear()
