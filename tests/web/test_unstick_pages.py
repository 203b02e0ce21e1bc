"""An operator resets a stuck dossier from the pages, as `hoso unstick` does: a dossier whose
history today's code no longer replays (workers with other workflow code ran an action) is
offered its reset on the dashboard and its page; the reset request is signed by the browser's key
(a session cookie alone resets nothing), the reset answers with the note the browser signs, the
note goes on the record and the officer's action is sent again. A reason missing, a form without
CSRF, an officer who is no operator, an operator of another scope, another key's signature and a
signed reset request sent twice change nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from temporalio.client import WorkflowHandle

from api.app import create_app
from config import Settings
from models.credentials import b64, unb64
from support.stuck_dossiers import stuck_task
from tests.api.helpers import state_of, wait_for_stage
from tests.cli.test_stuck_commands import Drift
from tests.web.conftest import Site
from tests.web.test_actions import session_with_key
from tests.workflows import harness
from worker import build_worker
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(240)
REASON = "thợ của bản 41 đã chạy một thao tác; đã quay lại bản cũ"


@asynccontextmanager
async def served(
    site: Site, http: httpx.AsyncClient, **changes: object
) -> AsyncIterator[httpx.AsyncClient]:
    """The same signed-in browser, served by an app over the dossier's own task queue."""
    app = create_app(site.settings.model_copy(update=changes), client=site.api.env.client)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1", cookies=http.cookies
    ) as other:
        yield other


async def stuck(site: Site, settings: Settings) -> WorkflowHandle:
    """An EIA dossier accepted by today's workers, approved by a rolled-back build's, then
    given a workflow task that today's workers cannot replay."""
    client, queue = site.api.env.client, settings.task_queue
    sub = harness.admitted(harness.submission("eia"), settings)
    eia = harness.procedure("eia")
    async with build_worker(client, settings, task_queue=queue):
        handle = await client.start_workflow(
            DossierWorkflow.run, sub, id=sub.code, task_queue=queue
        )
        await wait_for_stage(site.api, sub.code, "reception")
        await harness.act(handle, harness.assignee(eia, "reception"), "accept")
    async with build_worker(client, settings, task_queue=queue, interceptors=[Drift()]):
        await harness.act(handle, harness.assignee(eia, "specialist"), "approve")
    return handle


async def until_stuck(site: Site, code: str, seconds: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while await stuck_task(site.api.env.client, code) is None:
        assert asyncio.get_running_loop().time() < deadline, f"{code} never stuck"
        await asyncio.sleep(0.5)


async def test_an_operator_resets_a_stuck_dossier_signed_in_the_browser(site: Site) -> None:
    queue = f"test-{uuid.uuid4()}"
    settings = site.settings.model_copy(update={"task_queue": queue})
    handle = await stuck(site, settings)
    code = handle.id
    key = Ed25519PrivateKey.generate()
    try:
        async with build_worker(site.api.env.client, settings, task_queue=queue):
            await handle.signal(DossierWorkflow.refresh_trust)  # today's worker replays it
            await until_stuck(site, code)
            before = await stuck_task(site.api.env.client, code)
            assert before is not None and len(before.actions) == 1
            await check_an_officer_is_refused(site, code, queue, key)
            async with (
                session_with_key(site, "ops.operator", key) as (plain, csrf),
                served(site, plain, task_queue=queue) as http,
            ):
                await check_offered_and_refused(site, http, plain, csrf, code, queue)
                await reset_and_resend(site, http, csrf, code, key)
    finally:
        await handle.terminate("test finished")


async def check_an_officer_is_refused(
    site: Site, code: str, queue: str, key: Ed25519PrivateKey
) -> None:
    async with (
        session_with_key(site, "tnmt.reception", key) as (plain, csrf),
        served(site, plain, task_queue=queue) as officer,
    ):
        page = await officer.get(f"/dossiers/{code}")
        assert "/unstick" not in page.text, "no reset offered to an officer"
        refused = await officer.post(
            f"/dossiers/{code}/unstick/prepare", data={"csrf": csrf, "reason": REASON}
        )
        assert refused.status_code == 403
    assert await stuck_task(site.api.env.client, code) is not None, "still stuck"


async def check_offered_and_refused(
    site: Site, http: httpx.AsyncClient, plain: httpx.AsyncClient, csrf: str, code: str, queue: str
) -> None:
    deadline = asyncio.get_running_loop().time() + 60
    while (
        f'data-prepare="/dossiers/{code}/unstick/prepare"'
        not in (await http.get("/operations")).text
    ):
        assert asyncio.get_running_loop().time() < deadline, "the dashboard offers the reset"
        await asyncio.sleep(1)  # the server flags the run in its visibility a little later
    page = await http.get(f"/dossiers/{code}")
    assert "Chạy lại hồ sơ từ điểm lỗi" in page.text
    assert f'action="/dossiers/{code}/unstick"' in page.text
    run = (await stuck_task(site.api.env.client, code)).run_id  # type: ignore[union-attr]

    prepare = f"/dossiers/{code}/unstick/prepare"
    no_reason = await http.post(prepare, data={"csrf": csrf, "reason": " "})
    assert no_reason.status_code == 422 and "say why" in no_reason.json()["detail"]
    forged = await http.post(prepare, data={"reason": REASON})
    assert forged.status_code == 403
    async with served(site, plain, task_queue=queue, province_agencies="elsewhere") as narrow:
        outside = await narrow.post(prepare, data={"csrf": csrf, "reason": REASON})
        assert outside.status_code == 404
    # the cookie alone: a reset request signed by another key than the session's
    request = unb64(
        (await http.post(prepare, data={"csrf": csrf, "reason": REASON})).json()["message"]
    )
    assert b'"update":"unstick"' in request and REASON.encode() in request
    stolen = await http.post(
        f"/dossiers/{code}/unstick",
        data={
            "csrf": csrf,
            "message": b64(request),
            "signature": b64(Ed25519PrivateKey.generate().sign(request)),
        },
    )
    assert stolen.status_code == 403
    after = await stuck_task(site.api.env.client, code)
    assert after is not None and after.run_id == run, "nothing reset"


async def reset_and_resend(
    site: Site, http: httpx.AsyncClient, csrf: str, code: str, key: Ed25519PrivateKey
) -> None:
    async def reset(reason: str = REASON) -> httpx.Response:
        """The reset request prepared, signed by the session's key and sent."""
        prepared = await http.post(
            f"/dossiers/{code}/unstick/prepare", data={"csrf": csrf, "reason": reason}
        )
        assert prepared.status_code == 200, prepared.text
        request = unb64(prepared.json()["message"])
        signed = {"csrf": csrf, "message": b64(request), "signature": b64(key.sign(request))}
        answer = await http.post(f"/dossiers/{code}/unstick", data=signed)
        replayed = await http.post(f"/dossiers/{code}/unstick", data=signed)
        assert replayed.status_code == 403, "a signed reset request works once"
        return answer

    prepared = await reset()
    assert prepared.status_code == 200, prepared.text
    assert prepared.json()["then"] == f"/dossiers/{code}/unstick/resend"
    message = unb64(prepared.json()["message"])
    assert b'"update":"retry"' in message and REASON.encode() in message
    assert b'"readmit":["' in message, "the approval signed earlier is readmitted"
    page = await http.get(f"/dossiers/{code}")
    assert "Chạy lại hồ sơ từ điểm lỗi" in page.text, "reset, its action still to send again"
    handle = site.api.env.client.get_workflow_handle(code)
    run = (await handle.describe()).run_id
    # the tab closed before signing: the page, reloaded, prepares the note again, no new reset
    reloaded = await reset()
    assert reloaded.status_code == 200, reloaded.text
    assert (await handle.describe()).run_id == run, "not reset twice"
    message = unb64(reloaded.json()["message"])

    def resend(signature: bytes) -> dict[str, str]:
        return {"csrf": csrf, "message": b64(message), "signature": b64(signature)}

    other = Ed25519PrivateKey.generate().sign(message)
    forged = await http.post(f"/dossiers/{code}/unstick/resend", data=resend(other))
    assert forged.status_code == 403
    done = await http.post(f"/dossiers/{code}/unstick/resend", data=resend(key.sign(message)))
    assert done.status_code == 200, done.text
    assert "gửi lại 1 thao tác, 1 được áp dụng." in done.json()["said"]

    state = await state_of(site.api, code)
    assert [a.action for a in state.actions] == ["accept", "retry", "approve"]
    noted = state.actions[1]
    assert noted.actor == "ops.operator" and REASON in noted.comment
    assert await stuck_task(site.api.env.client, code) is None
    page = await http.get(f"/dossiers/{code}")
    assert "Chạy lại hồ sơ từ điểm lỗi" not in page.text, "nothing left to reset"
    again = await http.post(
        f"/dossiers/{code}/unstick/prepare", data={"csrf": csrf, "reason": REASON}
    )
    assert again.status_code == 422 and "is not failing" in again.json()["detail"]
