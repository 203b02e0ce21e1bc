"""Fee payments through the real API: uvicorn on 127.0.0.1 in a thread of its own over the test's
database and the session's dev server, a worker in another thread, the sample catalogue, and
online payment configured (a gateway address no test calls: the tests play the gateway, signing
its IPN with the merchant's secret, as tests/payments/gateway.py does)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities.database import create_schema, make_engine, session_factory
from config import Settings, get_settings
from models.actions import OfficerAction
from models.state import DossierState
from support.bootstrap import publish_bundled
from support.catalogue import publish_paths
from support.client import connect
from support.credentials import Credential, issue_token
from support.intake import Sessions
from support.publishers import machine_publisher
from support.request_signing import OfficerAuth
from tests.cli.api_server import api_thread
from tests.workflows.harness import worker_thread
from workflows.dossier import DossierWorkflow

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
SECRET = "test-hash-secret-of-the-merchant"
MERCHANT = "HOSOTEST"
EXTRACT_CHAIN = (
    ("xa.reception", "reception"),
    ("xa.civil-status", "review"),
    ("xa.chairman", "decide"),
)
PORTAL = "xa.portal"  # the commune's online public service account: its dossiers come online


@dataclass
class Payments:
    http: httpx.AsyncClient
    settings: Settings
    sessions: Sessions
    client: Client
    tmp: Path
    credentials: dict[str, Credential] = field(default_factory=dict)

    def auth(self, officer_id: str) -> OfficerAuth:
        return OfficerAuth(self.credential(officer_id))

    def credential(self, officer_id: str) -> Credential:
        if officer_id not in self.credentials:
            self.credentials[officer_id] = issue_token(self.sessions, self.settings, officer_id)
        return self.credentials[officer_id]

    async def submit(self) -> tuple[str, str]:
        """A civil-status extract submitted online: its code and lookup secret."""
        dossier = {
            "procedure": "2.000635",
            "applicant": {
                "name": "Nguyễn Văn A",
                "id_number": "001099012345",
                "phone": "0912345678",
            },
            "documents": [
                {"kind": "request_form", "path": "form.pdf"},
                {"kind": "id_card", "path": "card.jpg"},
            ],
            "delivery": "online",
        }
        response = await self.http.post(
            "/api/v1/dossiers",
            data={"dossier": json.dumps(dossier)},
            files=[
                ("documents", ("form.pdf", PDF, "application/octet-stream")),
                ("documents", ("card.jpg", JPG, "application/octet-stream")),
            ],
            headers={"Idempotency-Key": uuid.uuid4().hex},
            auth=self.auth(PORTAL),
        )
        assert response.status_code == 201, response.text
        body = response.json()
        return body["code"], body["lookup_secret"]

    async def act(self, officer_id: str, stage: str, code: str, name: str, **fields: Any) -> dict:
        item = OfficerAction(officer=self.credential(officer_id).officer, action=name, **fields)  # type: ignore[arg-type]
        signed = self.credential(officer_id).sign(item, dossier=code, stage=stage, update="act")
        response = await self.http.post(
            f"/api/v1/dossiers/{code}/actions",
            json=signed.model_dump(mode="json"),
            auth=self.auth(officer_id),
        )
        assert response.status_code == 200, response.text
        found: dict = response.json()
        return found

    async def state(self, code: str) -> DossierState:
        handle = self.client.get_workflow_handle_for(DossierWorkflow.run, code)
        return await handle.query(DossierWorkflow.state)

    async def awaiting_payment(self) -> tuple[str, str]:
        """A dossier of the extract accepted, reviewed and approved: it waits for its fee."""
        code, secret = await self.submit()
        await self.until_stage(code, "reception")
        for officer, stage in EXTRACT_CHAIN:
            view = await self.act(
                officer, stage, code, "accept" if stage == "reception" else "approve"
            )
        assert view["status"] == "awaiting_payment", view
        return code, secret

    async def until_stage(self, code: str, stage: str) -> None:
        for _ in range(150):
            with contextlib.suppress(RPCError):  # not started yet
                if (await self.state(code)).stage == stage:
                    return
            await asyncio.sleep(0.2)
        raise AssertionError(f"{code} never reached {stage}")

    def publish_paid_before_reception(self) -> None:
        """A new version of the extract whose fee is paid before reception."""
        data = yaml.safe_load((PROCEDURES / "civil-status-extract.yaml").read_text("utf-8"))
        data["fee_payment"] = "before_reception"
        folder = self.tmp / "catalogue"
        folder.mkdir(exist_ok=True)
        (folder / "extract.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
        with self.sessions() as session:
            report = publish_paths(session, [folder], publisher=machine_publisher(self.settings))
            session.commit()
        assert [p.version for p in report.procedures] == [2], report


@pytest_asyncio.fixture(loop_scope="session")
async def payments(
    dev_env: WorkflowEnvironment,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Payments]:
    for name, value in {
        "HOSO_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "HOSO_TASK_QUEUE": f"payments-{uuid.uuid4()}",
        "HOSO_PAYMENT_GATEWAY_URL": "http://127.0.0.1:9/paymentv2/vpcpay.html",
        "HOSO_PAYMENT_MERCHANT": MERCHANT,
        "HOSO_PAYMENT_HASH_SECRET": SECRET,
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

    with worker_thread(own, build_worker), api_thread(own) as url:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            client = await connect(own)
            yield Payments(http, own, sessions, client, tmp_path)
    engine.dispose()
    get_settings.cache_clear()
