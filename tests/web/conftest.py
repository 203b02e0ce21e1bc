"""The web pages served for real: the app under uvicorn on 127.0.0.1 (a port of its own), over
the session's dev server, a worker of the test's own and the test's database; Debian's Chromium
driven by Playwright for the browser tests."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
import pytest_asyncio
import uvicorn
from temporalio.testing import WorkflowEnvironment

from activities.database import create_schema, make_engine, session_factory
from api.app import create_app
from config import Settings
from support.bootstrap import publish_bundled
from support.officer_accounts import set_password
from tests.api.conftest import ONLINE_PAYMENT, Api
from tests.workflows.harness import running_worker

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "một mật khẩu đủ dài 2026"


@dataclass
class Site:
    url: str
    api: Api
    settings: Settings

    def set_password(self, officer_id: str, password: str = PASSWORD) -> None:
        set_password(self.api.sessions, officer_id, password, now=datetime.now(UTC))


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test runner keeps its own
        pass


@pytest_asyncio.fixture(loop_scope="session")
async def site(dev_env: WorkflowEnvironment, settings: Settings) -> AsyncIterator[Site]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        publish_bundled(session, settings)
    async with running_worker(dev_env, settings) as queue:
        own = settings.model_copy(
            update={
                "task_queue": queue,
                **ONLINE_PAYMENT,
                "web_lockout_attempts": 3,
                "web_lockout_seconds": 60,
                "web_refresh_seconds": 2,
            }
        )
        app = create_app(own, client=dev_env.client)
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False)
        server = _Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            yield Site(url, Api(http, own, sessions, dev_env, queue), own)
        server.should_exit = True
        await task
    engine.dispose()


def next_code(secret: str, *, later: int = 0) -> str:
    """The authenticator app's code, `later` steps of 30 s ahead (a code is accepted once)."""
    totp = pyotp.TOTP(secret)
    return totp.at(datetime.now(UTC) + timedelta(seconds=30 * later))


def secret_on(html: str) -> str:
    found = re.search(r'id="totp-secret">([A-Z2-7]+)<', html)
    assert found, "the enrolment page shows no key"
    return found.group(1)


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
