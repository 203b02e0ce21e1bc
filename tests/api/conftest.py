"""The API against the session's dev server, a worker of the test's own, and the test's database:
requests go through httpx to the real app (ASGI transport), signed as officers sign them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from pydantic import SecretStr
from temporalio.testing import WorkflowEnvironment

from activities.database import create_schema, make_engine, session_factory
from api.app import create_app
from config import Settings
from support.bootstrap import publish_bundled
from support.credentials import Credential, issue_token
from support.intake import Sessions
from support.request_signing import OfficerAuth
from tests.payments.conftest import MERCHANT, SECRET
from tests.workflows.harness import running_worker

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64
APPLICANT = {"name": "Nguyễn Văn A", "id_number": "001099012345", "phone": "0912345678"}
EXTRACT = "2.000635"  # civil-status extract, ubnd-xa: reception → review → decide
ONLINE_PAYMENT = {
    "payment_gateway_url": "http://127.0.0.1:9/paymentv2/vpcpay.html",  # no test goes there
    "payment_query_url": "http://127.0.0.1:9/merchant_webapi/api/transaction",  # nor there
    "payment_merchant": MERCHANT,
    "payment_hash_secret": SecretStr(SECRET),
}
"""Online payment as the API tests configure it: they play the gateway, signing its IPN with
the merchant's secret (tests/payments/gateway.py), to pay a fee due before delivery."""


@dataclass
class Api:
    http: httpx.AsyncClient
    settings: Settings
    sessions: Sessions
    env: WorkflowEnvironment
    queue: str
    credentials: dict[str, Credential] = field(default_factory=dict)
    lookup_secrets: dict[str, str] = field(default_factory=dict)
    """The applicants' lookup secrets of the dossiers `submit` submitted, by code."""

    def officer(self, officer_id: str) -> Credential:
        if officer_id not in self.credentials:
            self.credentials[officer_id] = issue_token(self.sessions, self.settings, officer_id)
        return self.credentials[officer_id]

    def auth(self, officer_id: str) -> OfficerAuth:
        return OfficerAuth(self.officer(officer_id))

    async def submit(
        self,
        officer_id: str = "xa.reception",
        *,
        dossier: dict[str, Any] | None = None,
        files: list[tuple[str, bytes]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """A multipart submission of the civil-status extract (or `dossier` and `files`)."""
        files = files if files is not None else [("form.pdf", PDF), ("card.jpg", JPG)]
        dossier = dossier or extract_dossier()
        response = await self.http.post(
            "/api/v1/dossiers",
            data={"dossier": json.dumps(dossier)},
            files=[
                ("documents", (name, content, "application/octet-stream"))
                for name, content in files
            ],
            headers=headers or {},
            auth=self.auth(officer_id),
        )
        if response.status_code == 201 and response.json().get("lookup_secret"):
            self.lookup_secrets[response.json()["code"]] = response.json()["lookup_secret"]
        return response


def extract_dossier(**changes: Any) -> dict[str, Any]:
    return {
        "procedure": EXTRACT,
        "applicant": APPLICANT,
        "documents": [
            {"kind": "request_form", "path": "form.pdf"},
            {"kind": "id_card", "path": "card.jpg"},
        ],
        "delivery": "online",
        **changes,
    }


@pytest_asyncio.fixture(loop_scope="session")
async def api(dev_env: WorkflowEnvironment, settings: Settings) -> AsyncIterator[Api]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        publish_bundled(session, settings)
    async with running_worker(dev_env, settings) as queue:
        own = settings.model_copy(update={"task_queue": queue, **ONLINE_PAYMENT})
        app = create_app(own, client=dev_env.client)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Api(http, own, sessions, dev_env, queue)
    engine.dispose()
