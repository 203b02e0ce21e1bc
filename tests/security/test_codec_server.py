"""`hoso codec-server`: operators read encrypted payloads in the Web UI; nobody else does."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from google.protobuf import json_format
from structlog.testing import capture_logs
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from cli.context import open_context
from cli.stack import load_catalogue
from config import Settings
from support.codec import ENCODING, codec_from_settings, data_converter
from support.codec_server import build_app, serving
from support.credentials import issue_token, revoke
from support.devserver import free_port
from tests.workflows.harness import APPLICANT, submission
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(60)
HOSO = str(Path(sys.executable).parent / "hoso")
TEMPORAL = str(Path(sys.executable).parent / "temporal")
UI = "http://localhost:8233"  # one of the default HOSO_CODEC_SERVER_ORIGINS


@dataclass
class Server:
    url: str
    settings: Settings
    operator: str
    reception: str


@pytest_asyncio.fixture
async def server(settings: Settings) -> AsyncIterator[Server]:
    """The codec server of the test's data folder on a free loopback port, with a token for the
    sample operator and one for a reception officer."""
    ctx = open_context(settings)
    load_catalogue(ctx)
    operator = issue_token(ctx.sessions, settings, "ops.operator").token
    reception = issue_token(ctx.sessions, settings, "tnmt.reception").token
    async with serving(build_app(settings, ctx.sessions), "127.0.0.1", free_port()) as url:
        yield Server(url, settings, operator, reception)


async def sealed_applicant(settings: Settings) -> list[Payload]:
    """The applicant as a worker would store it: pydantic JSON, encrypted with the keyring."""
    plain = pydantic_data_converter.payload_converter.to_payloads([APPLICANT])
    return await codec_from_settings(settings).encode(plain)


def body(payloads: list[Payload]) -> str:
    return json_format.MessageToJson(Payloads(payloads=payloads))


async def post(
    url: str, payloads: list[Payload], token: str | None, **headers: str
) -> tuple[int, dict[str, str], Any]:
    sent = {"Content-Type": "application/json", "Origin": UI, "X-Namespace": "default", **headers}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body(payloads), headers=sent) as response,
    ):
        return response.status, dict(response.headers), json.loads(await response.text())


async def test_an_operator_reads_what_the_worker_encrypted(server: Server) -> None:
    sealed = await sealed_applicant(server.settings)
    assert APPLICANT.name.encode() not in sealed[0].data
    with capture_logs() as logs:
        status, headers, answer = await post(f"{server.url}/decode", sealed, server.operator)
    assert status == 200, answer
    decoded = json_format.ParseDict(answer, Payloads()).payloads
    (applicant,) = pydantic_data_converter.payload_converter.from_payloads(
        decoded, [type(APPLICANT)]
    )
    assert applicant == APPLICANT
    assert headers["Access-Control-Allow-Origin"] == UI
    assert headers["Cache-Control"] == "no-store"
    decodes = [e for e in logs if e["event"] == "payloads_decoded"]
    assert [(e["officer"], e["namespace"]) for e in decodes] == [("ops.operator", "default")]
    logged = json.dumps(logs, ensure_ascii=False, default=str)
    for secret in (APPLICANT.name, APPLICANT.id_number, APPLICANT.phone, server.operator):
        assert secret not in logged

    # The Web UI's other direction (e.g. signal input typed by an operator), and the CLI's
    # `--codec-endpoint http://…/{namespace}` form.
    plain = pydantic_data_converter.payload_converter.to_payloads([APPLICANT])
    status, _, answer = await post(f"{server.url}/default/encode", plain, server.operator)
    assert status == 200, answer
    encoded = json_format.ParseDict(answer, Payloads()).payloads
    assert encoded[0].metadata["encoding"] == ENCODING
    assert APPLICANT.name.encode() not in encoded[0].data
    status, _, answer = await post(f"{server.url}/default/decode", list(encoded), server.operator)
    assert json_format.ParseDict(answer, Payloads()).payloads == plain


async def test_without_a_valid_token_nothing_is_decoded(server: Server) -> None:
    sealed = await sealed_applicant(server.settings)
    ctx = open_context(server.settings)
    revoked = issue_token(ctx.sessions, server.settings, "ops.operator")
    revoke(ctx.sessions, revoked.certificate.token_id, by="ops.operator")
    cases = {
        None: "an operator's token is required",
        "not-a-token": "not a hoso token",
        server.operator[:-4] + "AAAA": "token",  # a tampered key: not the certificate's
        revoked.token: "was revoked",
    }
    for token, reason in cases.items():
        status, headers, answer = await post(f"{server.url}/decode", sealed, token)
        assert status == 401, (token, answer)
        assert reason in answer["error"]
        assert "payloads" not in answer
        assert headers["Access-Control-Allow-Origin"] == UI  # the Web UI can show the reason
        if token is None:
            assert headers["WWW-Authenticate"].startswith("Bearer")


async def test_an_officer_who_is_not_an_operator_is_refused(server: Server) -> None:
    sealed = await sealed_applicant(server.settings)
    status, _, answer = await post(f"{server.url}/decode", sealed, server.reception)
    assert status == 403
    assert answer == {"error": "tnmt.reception is not an operator: only operators read payloads"}
    status, _, answer = await post(
        f"{server.url}/decode", sealed, server.operator, **{"X-Namespace": "other"}
    )
    assert status == 403 and "keys of 'default'" in answer["error"]
    status, _, answer = await post(
        f"{server.url}/other/decode", sealed, server.operator, **{"X-Namespace": ""}
    )
    assert status == 403 and "keys of 'default'" in answer["error"]


async def test_the_web_ui_preflight_is_answered_for_its_origin_only(server: Server) -> None:
    asked = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
    }
    async with aiohttp.ClientSession() as session:
        async with session.options(
            f"{server.url}/decode", headers={"Origin": UI, **asked}
        ) as response:
            assert response.status == 204
            allowed = response.headers
        async with session.options(
            f"{server.url}/decode", headers={"Origin": "https://evil.example", **asked}
        ) as response:
            refused_status, refused = response.status, response.headers
    assert allowed["Access-Control-Allow-Origin"] == UI
    assert "POST" in allowed["Access-Control-Allow-Methods"]
    headers = {h.strip() for h in allowed["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "x-namespace"} <= headers
    assert allowed["Access-Control-Allow-Credentials"] == "true"
    assert refused_status == 403
    assert "Access-Control-Allow-Origin" not in refused


async def test_a_browser_signs_in_once_and_the_web_ui_sends_its_session(server: Server) -> None:
    """The Web UI cannot send an officer token; it sends the codec server's session cookie."""
    sealed = await sealed_applicant(server.settings)
    fetch = {"Content-Type": "application/json", "Origin": UI, "X-Namespace": "default"}
    jar = aiohttp.CookieJar(unsafe=True)  # cookies from 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=jar) as browser:
        async with browser.get(f"{server.url}/login") as page:
            assert page.status == 200 and 'type="password"' in await page.text()
            assert page.headers["X-Frame-Options"] == "DENY"
        async with browser.post(f"{server.url}/login", data={"token": server.reception}) as page:
            assert page.status == 403 and "not an operator" in await page.text()
        assert len(jar) == 0
        async with browser.post(
            f"{server.url}/login", data={"token": server.operator}, headers={"Origin": UI}
        ) as page:
            assert page.status == 403  # a form posted from another site: no session
        async with browser.post(f"{server.url}/login", data={"token": server.operator}) as page:
            assert page.status == 200 and "Signed in as ops.operator" in await page.text()
            cookie = page.cookies["hoso_codec_session"]
            assert cookie["httponly"] and cookie["samesite"] == "Strict"
            assert server.operator not in cookie.value

        async with browser.post(f"{server.url}/decode", data=body(sealed), headers=fetch) as r:
            assert r.status == 200
            decoded = json_format.Parse(await r.text(), Payloads()).payloads
        assert APPLICANT.id_number.encode() in decoded[0].data

        ctx = open_context(server.settings)
        revoke(ctx.sessions, "ops.operator", by="ops.operator")  # takes effect at once
        async with browser.post(f"{server.url}/decode", data=body(sealed), headers=fetch) as r:
            assert r.status == 401 and "revoked" in (await r.json())["error"]
        async with browser.post(f"{server.url}/logout") as page:
            assert page.status == 200
        async with browser.post(f"{server.url}/decode", data=body(sealed), headers=fetch) as r:
            assert r.status == 401 and "sign in" in (await r.json())["error"]


def test_hoso_codec_server_serves_on_loopback_until_stopped(settings: Settings) -> None:
    ctx = open_context(settings)
    load_catalogue(ctx)
    operator = issue_token(ctx.sessions, settings, "ops.operator").token
    port = free_port()
    env = os.environ | {"HOSO_CODEC_SERVER_PORT": str(port)}
    log = settings.data_dir / "codec-server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [HOSO, "codec-server"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while "codec server on" not in log.read_text(encoding="utf-8"):
            assert process.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "the codec server did not start"
            time.sleep(0.2)
        assert f"http://127.0.0.1:{port}" in log.read_text(encoding="utf-8")

        async def decode() -> tuple[int, Any]:
            sealed = await sealed_applicant(settings)
            status, _, answer = await post(f"http://127.0.0.1:{port}/decode", sealed, operator)
            return status, answer

        status, answer = asyncio.run(decode())
        assert status == 200, answer
        decoded = json_format.ParseDict(answer, Payloads()).payloads
        assert APPLICANT.name.encode() in decoded[0].data
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0, log.read_text(encoding="utf-8")
    assert APPLICANT.name not in log.read_text(encoding="utf-8")


def test_codec_server_refuses_to_start_in_production_without_keys(settings: Settings) -> None:
    env = os.environ | {"HOSO_ENVIRONMENT": "production", "HOSO_ENCRYPTION_KEYS": ""}
    done = subprocess.run(
        [HOSO, "codec-server", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "no payload encryption keys configured" in done.stderr
    assert "Traceback" not in done.stderr


async def test_the_temporal_cli_reads_a_sealed_history_through_the_codec_server(
    server: Server, dev_env: WorkflowEnvironment
) -> None:
    """The same protocol the Web UI speaks, from Temporal's own client."""
    address = dev_env.client.service_client.config.target_host
    secure = await Client.connect(address, data_converter=data_converter(server.settings))
    sub = submission("permit")
    handle = await secure.start_workflow(
        DossierWorkflow.run, sub, id=sub.code, task_queue=f"nobody-{sub.code}"
    )  # no worker: the started event alone carries the applicant

    async def started_input(*codec: str) -> tuple[str, bytes]:
        """The encoding and data of the dossier's input, as `temporal workflow show` prints it."""
        process = await asyncio.create_subprocess_exec(
            TEMPORAL, "workflow", "show", "--workflow-id", sub.code, "--address", address,
            "--output", "json", *codec,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        first = json.loads(out)["events"][0]["workflowExecutionStartedEventAttributes"]
        (payload,) = first["input"]["payloads"]
        encoding = base64.b64decode(payload["metadata"]["encoding"]).decode()
        return encoding, base64.b64decode(payload["data"])

    try:
        as_stored = await started_input()
        as_operator = await started_input(
            "--codec-endpoint", server.url, "--codec-auth", f"Bearer {server.operator}"
        )
    finally:
        await handle.terminate("test finished")
    assert as_stored[0] == ENCODING.decode()
    assert APPLICANT.id_number.encode() not in as_stored[1]
    assert as_operator[0] == "json/plain"
    assert json.loads(as_operator[1])["applicant"]["id_number"] == APPLICANT.id_number
