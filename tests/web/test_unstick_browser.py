"""In Chromium: an operator resets a stuck dossier from the dashboard's stuck list, the browser
signing the note the reset answers with (sign.js), and the officer's action is sent again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import expect

from api.app import create_app
from config import Settings
from support.stuck_dossiers import stuck_task
from tests.api.helpers import state_of
from tests.web.browsing import chromium, look, new_page
from tests.web.conftest import Site
from tests.web.test_browser_flows import enrolled
from tests.web.test_unstick_pages import REASON, stuck, until_stuck
from worker import build_worker
from workflows.dossier import DossierWorkflow

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test runner keeps its own
        pass


@asynccontextmanager
async def serving(site: Site, settings: Settings) -> AsyncIterator[Site]:
    """The pages over `settings` (the stuck dossier's own task queue), on a port of their own."""
    app = create_app(settings, client=site.api.env.client)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False)
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Site(f"http://127.0.0.1:{port}", site.api, settings)
    finally:
        server.should_exit = True
        await task


async def test_an_operator_resets_a_stuck_dossier_from_the_dashboard(
    site: Site, shots: Path
) -> None:
    queue = f"test-{uuid.uuid4()}"
    settings = site.settings.model_copy(update={"task_queue": queue})
    handle = await stuck(site, settings)
    code = handle.id
    try:
        async with (
            build_worker(site.api.env.client, settings, task_queue=queue),
            serving(site, settings) as own,
            chromium() as browser,
            new_page(browser) as page,
        ):
            await handle.signal(DossierWorkflow.refresh_trust)  # today's worker replays it
            await until_stuck(site, code)
            await enrolled(page, own, "ops.operator")
            await page.get_by_role("link", name="Bảng điều hành").click()
            row = page.get_by_role("row").filter(has_text=code)
            for _ in range(60):  # the server flags the run in its visibility a little later
                if await row.count():
                    break
                await asyncio.sleep(1)
                await page.reload()
            await row.get_by_label("Vì sao chạy lại từ điểm lỗi (ghi vào hồ sơ)").fill(REASON)
            await look(page, shots, "1-stuck-listed")
            await row.get_by_role("button", name="Chạy lại từ điểm lỗi và ký").click()
            await expect(row.get_by_role("status").last).to_contain_text(
                "gửi lại 1 thao tác, 1 được áp dụng.", timeout=60_000
            )
            await look(page, shots, "2-reset-signed")
            state = await state_of(site.api, code)  # asked of today's worker: it replays
            assert [a.action for a in state.actions] == ["accept", "retry", "approve"]
            assert REASON in state.actions[1].comment
            assert await stuck_task(site.api.env.client, code) is None
    finally:
        await handle.terminate("test finished")
