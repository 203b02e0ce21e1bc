"""Dossiers for the tests of `hoso verify` and `hoso rebuild`: the EIA sample driven through its
whole chain, its rows and documents at hand, and the CLI on a deployment of its own."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from activities.database import make_engine, session_factory
from activities.document_store import DocumentStore
from config import Settings, get_settings
from models.actions import Supplement
from models.dossier import DocumentRef
from models.state import DossierState
from models.tables import ActionRecord
from starter import app
from support.seals import public_seals
from support.verify import verify_dossier
from support.verify_checks import Report
from tests.cli.api_server import signed_in_as
from tests.workflows.harness import (
    act,
    assignee,
    officers,
    procedure,
    running_worker,
    send,
    start,
    submission,
)
from workflows.dossier import DossierWorkflow


@dataclass
class Dossier:
    code: str
    result: DossierState
    settings: Settings

    @property
    def store(self) -> DocumentStore:
        return DocumentStore(self.settings.resolved_document_dir)

    def session(self) -> Session:
        return Session(make_engine(self.settings.resolved_database_url), expire_on_commit=False)

    def action(self, name: str, stage: str) -> int:
        return next(a.seq for a in self.result.actions if a.action == name and a.stage == stage)

    def action_row(self, session: Session, seq: int) -> ActionRecord:
        query = select(ActionRecord).where(
            ActionRecord.dossier_code == self.code, ActionRecord.seq == seq
        )
        return session.exec(query).one()

    def document(self, kind: str) -> DocumentRef:
        return next(d for d in self.result.documents if d.kind == kind)

    async def verify(self, client: Client | None) -> Report:
        sessions = session_factory(make_engine(self.settings.resolved_database_url))
        keys = public_seals(self.settings)
        return await verify_dossier(client, sessions, self.store, keys, self.code)


def stored(store: DocumentStore, kind: str, text: str) -> DocumentRef:
    data = f"%PDF-1.7\n% {kind}: {text} {uuid.uuid4()}\n%%EOF\n".encode()
    return DocumentRef(
        kind=kind, file_name=f"{kind}.pdf", sha256=store.put(data), size=len(data), format="pdf"
    )


def consulted(agency: str) -> Any:
    return next(o for o in officers().values() if o.agency == agency)


async def eia_dossier(
    env: WorkflowEnvironment,
    settings: Settings,
    queue: str | None = None,
    after_reception: Callable[[], object] = lambda: None,
    code: str | None = None,
) -> Dossier:
    """The EIA sample through its whole chain: a supplement (with a new drawing), reception,
    specialist, three consulted agencies, head of division, the director's approval; on its
    own task queue, or `queue`; `after_reception` runs once reception accepted it."""
    proc = procedure("eia")
    store = DocumentStore(settings.resolved_document_dir)
    sub = submission("eia", code=code)
    sub = sub.model_copy(
        update={"documents": [stored(store, d.kind, "bản gốc") for d in sub.documents]}
    )
    async with running_worker(env, settings, queue) as queue:
        handle = await start(env.client, queue, sub)
        reception = assignee(proc, "reception")
        await act(handle, reception, "request_supplement", missing=["Bản vẽ mặt bằng tổng thể"])
        drawing = stored(store, "drawings", "bản vẽ bổ sung")
        await send(
            handle, DossierWorkflow.supplement, Supplement(documents=[drawing], note="Bổ sung")
        )
        await act(handle, reception, "accept", comment="Hồ sơ đầy đủ")
        after_reception()
        await act(handle, assignee(proc, "specialist"), "approve", comment="Đạt yêu cầu")
        for agency in proc.stage("consult").agencies:  # type: ignore[union-attr]
            await act(handle, consulted(agency), "concur", comment="Thống nhất")
        await act(handle, assignee(proc, "head"), "approve")
        await act(handle, assignee(proc, "decide"), "approve", comment="Phê duyệt báo cáo ĐTM")
        result = await handle.result()
    return Dossier(sub.code, result, settings)


def cli_deployment(
    dev_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The CLI's settings on the dev server, on a task queue of its own (the shared server holds
    other tests' dossiers, and this deployment's are its queue's), with an API over them."""
    monkeypatch.setenv("HOSO_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host)
    monkeypatch.setenv("HOSO_TASK_QUEUE", f"verify-{uuid.uuid4()}")
    get_settings.cache_clear()
    # the API's commands (verify) as the province's operator, through an API of its own
    with signed_in_as(get_settings(), "ops.operator", monkeypatch) as found:
        yield found
    get_settings.cache_clear()


def hoso(*args: str) -> Any:
    get_settings.cache_clear()
    return CliRunner().invoke(app, list(args), catch_exceptions=False)
