"""`hoso demo`: the EIA sample dossier through its whole chain, as the sample officers."""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
import zipfile
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path

import yaml
from sqlmodel import select
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client, WorkflowHandle

from cli import render
from cli.context import CommandError, Context, command, open_context
from cli.history import print_timeline
from cli.stack import load_catalogue
from config import get_settings
from models.actions import DeliveryConfirmation, OfficerAction, OfficerIdentity
from models.dossier import CLOSED_STATUSES
from models.procedure import Procedure
from models.state import DossierState
from models.tables import OfficerRecord
from support.catalogue import latest_procedure
from support.credentials import Credential, Issuer, send_and_read
from support.devserver import embedded_stack
from support.dossier_timeline import timeline
from support.intake import submit_dossier
from workflows.dossier import DossierWorkflow

EIA_CODE = "1.010733"
NEXT_ACTION = {"reception": "accept", "review": "approve", "decision": "approve"}
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def sample_file(folder: Path, kind: str, formats: list[str]) -> str:
    """A small valid file of the first format hoso can make, for the demo applicant."""
    fmt = "pdf" if "pdf" in formats else formats[0]
    path = folder / f"{kind}.{fmt}"
    if fmt == "pdf":
        path.write_bytes(PDF)
    elif fmt in {"docx", "xlsx"}:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
    else:
        path.write_bytes(f"hoso demo sample: {kind}\n".encode())
    return path.name


def write_sample_dossier(folder: Path, procedure: Procedure) -> Path:
    documents = [
        {"kind": spec.kind, "path": sample_file(folder, spec.kind, spec.formats)}
        for spec in procedure.documents
    ]
    dossier = {
        "procedure": procedure.code,
        "reference": f"demo-{uuid.uuid4().hex[:12]}",
        "applicant": {
            "name": "Công ty TNHH Demo",
            "id_number": "001099012345",
            "phone": "0912345678",
            "email": "demo@example.vn",
            "address": "1 Tràng Tiền, Hoàn Kiếm, Hà Nội",
        },
        "documents": documents,
        "delivery": "post" if "post" in [d.value for d in procedure.delivery] else "online",
    }
    path = folder / "dossier.yaml"
    path.write_text(yaml.safe_dump(dossier, allow_unicode=True), encoding="utf-8")
    return path


def find_officer(ctx: Context, **match: str) -> Credential:
    """A sample officer of the registry, with a short-lived credential from this host's issuer
    (the demo acts for every officer: it runs where tokens are issued)."""
    with ctx.sessions() as session:
        query = select(OfficerRecord).where(OfficerRecord.active == True)  # noqa: E712
        for field, value in match.items():
            query = query.where(getattr(OfficerRecord, field) == value)
        record = session.exec(query.order_by(OfficerRecord.id)).first()
    if record is None:
        raise CommandError(f"no sample officer with {match} in the registry")
    identity = OfficerIdentity(
        id=record.id, role=record.role, unit=record.unit, agency=record.agency
    )
    return Issuer.from_settings(ctx.settings).certify(identity, valid_for=timedelta(hours=1))


async def has_worker(client: Client, namespace: str, task_queue: str) -> bool:
    response = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=namespace,
            task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    return bool(response.pollers)


async def wait_for(handle: WorkflowHandle, ready, timeout: float = 60.0) -> DossierState:  # type: ignore[no-untyped-def, type-arg]
    """Polls the dossier's state until `ready(state)`; the dev server's timers are ~1s coarse."""
    deadline = time.monotonic() + timeout
    while True:
        state = await handle.query(DossierWorkflow.state)
        if ready(state):
            return state
        if time.monotonic() > deadline:
            raise CommandError(f"dossier {state.code} is stuck at {state.status.value}")
        await asyncio.sleep(0.3)


async def drive(ctx: Context, handle: WorkflowHandle) -> DossierState:  # type: ignore[type-arg]
    """Acts as the sample officers on every stage until the dossier closes."""

    def actionable(s: DossierState) -> bool:
        return s.status in CLOSED_STATUSES or s.awaiting_confirmation or s.stage_kind is not None

    state = await wait_for(handle, actionable)
    while state.status not in CLOSED_STATUSES:
        if state.awaiting_confirmation:
            reception = find_officer(ctx, role="reception_officer", agency=state.agency)
            request = DeliveryConfirmation(
                officer=reception.officer, note="delivered by post (demo)"
            )
            state = await send_and_read(
                handle, DossierWorkflow.confirm_delivery, request, reception
            )
            render.info(f"  {reception.officer.id}: confirm delivery → {state.status.value}")
        elif state.stage_kind == "consultation":
            for agency in list(state.awaiting_agencies):
                try:
                    officer = find_officer(ctx, agency=agency, role="specialist")
                except CommandError:
                    officer = find_officer(ctx, agency=agency)
                action = OfficerAction(
                    officer=officer.officer, action="concur", comment="Thống nhất."
                )
                state = await send_and_read(handle, DossierWorkflow.act, action, officer)
                render.info(f"  {officer.officer.id} ({agency}): concur → {state.status.value}")
        elif state.stage_kind in NEXT_ACTION and state.stage_role and state.stage_unit:
            officer = find_officer(
                ctx, role=state.stage_role, unit=state.stage_unit, agency=state.agency
            )
            name = NEXT_ACTION[state.stage_kind]
            stage = state.stage
            action = OfficerAction(officer=officer.officer, action=name, comment="Đạt yêu cầu.")
            state = await send_and_read(handle, DossierWorkflow.act, action, officer)
            render.info(f"  {stage}: {officer.officer.id} {name} → {state.status.value}")
        else:
            before = state.model_dump()
            state = await wait_for(
                handle, lambda s, b=before: actionable(s) and s.model_dump() != b
            )
    return state


async def demo() -> None:
    """Run the EIA sample dossier through its whole chain and print its timeline."""
    from worker import build_worker

    settings = get_settings()
    ctx = open_context(settings)
    load_catalogue(ctx)
    with ctx.sessions() as session:
        procedure = latest_procedure(session, EIA_CODE)
    async with AsyncExitStack() as stack:
        embedded = await stack.enter_async_context(embedded_stack(settings))
        client = embedded.client
        if not await has_worker(client, settings.temporal_namespace, settings.task_queue):
            render.info("no worker is running: starting one in this process")
            await stack.enter_async_context(build_worker(client, settings))
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hoso-demo-")))
        path = write_sample_dossier(folder, procedure)
        result = await submit_dossier(
            path, settings=settings, client=client, sessions=ctx.sessions, store=ctx.store
        )
        render.success(f"submitted {result.code}: {procedure.name} v{result.procedure_version}")
        handle = client.get_workflow_handle_for(DossierWorkflow.run, result.code)
        final = await drive(ctx, handle)
        render.success(f"{final.code}: {final.status.value} ({final.outcome or '-'})")
        print_timeline(await timeline(client, result.code))


def register(app) -> None:  # type: ignore[no-untyped-def]
    app.command("demo")(command(demo))
