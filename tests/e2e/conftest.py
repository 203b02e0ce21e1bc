"""The citizen's journey on one machine with every part real: the session's dev Temporal server
and a worker, hoso's API and pages under uvicorn on 127.0.0.1, the sandbox payment gateway
(support/payment_gateway/) on 127.0.0.1 sending its IPNs to hoso's endpoint, an SMTP receiver for
the notices, and the sample catalogue. Officers call the API with signed credentials; the
citizen's browser is an HTTP client that visits hoso's pages and the gateway's."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from temporalio.testing import WorkflowEnvironment

from activities.database import create_schema, make_engine, session_factory
from config import Settings, get_settings
from operations.payments import IPN_PATH
from support.bootstrap import publish_bundled
from support.client import connect
from support.devserver import free_port
from support.payment_gateway import Merchant, PaymentGateway
from tests.activities.conftest import Inbox
from tests.appointments.conftest import Counters
from tests.cli.api_server import api_thread
from tests.payments.conftest import MERCHANT, SECRET, Payments
from tests.workflows.harness import worker_thread


@dataclass
class Journey:
    """The town: `officers` calls hoso's API as the officers' software does (and reads the
    workflows), `counters` the appointments' API, `browser` is the citizen's (no base URL: it
    goes to hoso at `url` and to the gateway)."""

    url: str
    officers: Payments
    counters: Counters
    browser: httpx.AsyncClient
    gateway: PaymentGateway
    inbox: Inbox


@pytest.fixture
def mailbox() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def journey(
    dev_env: WorkflowEnvironment,
    settings: Settings,
    mailbox: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> AsyncIterator[Journey]:
    inbox, smtp_port = mailbox
    port = free_port()  # hoso's address is known first: the gateway sends its IPNs there
    public_url = f"http://127.0.0.1:{port}"
    merchant = Merchant(MERCHANT, SECRET, public_url + IPN_PATH, name="UBND xã (thử nghiệm)")
    async with PaymentGateway([merchant]) as gateway:
        for name, value in {
            "HOSO_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
            "HOSO_TASK_QUEUE": f"journey-{uuid.uuid4()}",
            "HOSO_NOTIFICATION_CHANNEL": "smtp",
            "HOSO_SMTP_PORT": str(smtp_port),
            "HOSO_PUBLIC_URL": public_url,
            "HOSO_PAYMENT_GATEWAY_URL": gateway.payment_url,
            "HOSO_PAYMENT_QUERY_URL": gateway.query_url,
            "HOSO_PAYMENT_MERCHANT": MERCHANT,
            "HOSO_PAYMENT_HASH_SECRET": SECRET,
            "HOSO_API_RATE_BOOKINGS": "1000/minute",
            "HOSO_API_RATE_LOOKUPS": "1000/minute",
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

        with worker_thread(own, build_worker), api_thread(own, port) as url:
            async with (
                httpx.AsyncClient(base_url=url, timeout=60) as http,
                httpx.AsyncClient(timeout=60) as browser,
            ):
                client = await connect(own)
                yield Journey(
                    url=url,
                    officers=Payments(http, own, sessions, client, tmp_path),
                    counters=Counters(http, own, sessions, inbox, client),
                    browser=browser,
                    gateway=gateway,
                    inbox=inbox,
                )
        engine.dispose()
    get_settings.cache_clear()
