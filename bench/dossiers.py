"""Dossiers for the benchmarks: submissions with stored documents, and the officers' actions that
carry one through its chain, each signed and sent the way an officer's client sends it
(`support.credentials.send`: query the stage, sign, execute the update).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import WorkflowHandle

from activities.document_store import DocumentStore
from bench.stack import Stack
from models.actions import DeliveryConfirmation, OfficerAction
from models.calendar import WorkingCalendar
from models.continuation import ActionReceipt
from models.dossier import Applicant, DocumentRef, DossierSubmission
from models.officer import OfficerIdentity
from models.payment import PaymentConfirmation, PaymentOpening
from models.procedure import DeliveryChannel, FeePayment, Procedure, StageKind
from models.state import DossierState
from support.calendars import resolve_calendar
from support.credentials import send
from support.intake import start_dossier
from support.intake_seal import IntakeSealer
from workflows.dossier import DossierWorkflow

APPLICANT = Applicant(
    name="Nguyễn Thị Hồng",
    id_number="001190012345",
    phone="0912345678",
    email="hong@example.vn",
    address="12 Phố Huế, Hai Bà Trưng, Hà Nội",
)
MARKER = b"HOSO-BENCH-DOCUMENT-BYTES"  # in every stored sample document: never in a payload
DOCUMENT_SIZE = 64 * 1024


def document_bytes(kind: str, fmt: str) -> bytes:
    """A sample document: a PDF-like header, the marker, and filler up to DOCUMENT_SIZE."""
    head = b"%PDF-1.7\n" + MARKER + b" " + kind.encode() + b"." + fmt.encode() + b"\n"
    return head + secrets.token_bytes(DOCUMENT_SIZE - len(head))


def store_documents(store: DocumentStore, procedure: Procedure) -> list[DocumentRef]:
    """The procedure's required documents, stored once (content-addressed), as references."""
    refs = []
    for doc in procedure.documents:
        if doc.required:
            data = document_bytes(doc.kind, doc.formats[0])
            sha = store.put(data)
            refs.append(
                DocumentRef(
                    kind=doc.kind,
                    file_name=f"{doc.kind}.{doc.formats[0]}",
                    sha256=sha,
                    size=len(data),
                    format=doc.formats[0],
                )
            )
    return refs


class Codes:
    """Dossier codes `<agency><run>-<YYMMDD>-<NNNN>`: unique per run, 9,999 a day as the law's."""

    def __init__(self, day: datetime | None = None) -> None:
        self._run = secrets.token_hex(2)
        self._day = (day or datetime.now(UTC)).date()
        self._next = 0

    def __call__(self, agency: str) -> str:
        n = self._next
        self._next += 1
        day = self._day - timedelta(days=n // 9999)
        return f"{agency}-b{self._run}-{day:%y%m%d}-{n % 9999 + 1:04d}"


@dataclass
class Submitter:
    """Builds and starts dossiers of the sample procedures on one task queue."""

    stack: Stack
    task_queue: str
    codes: Codes = field(default_factory=Codes)
    _documents: dict[str, list[DocumentRef]] = field(default_factory=dict)
    _calendar: WorkingCalendar | None = None
    _sealer: IntakeSealer | None = None

    def submission(
        self,
        procedure: Procedure,
        *,
        delivery: DeliveryChannel = DeliveryChannel.online,
        submitted_at: datetime | None = None,
    ) -> DossierSubmission:
        now = submitted_at or datetime.now(UTC)
        if procedure.code not in self._documents:
            store = DocumentStore(self.stack.settings.resolved_document_dir)
            self._documents[procedure.code] = store_documents(store, procedure)
        if self._calendar is None or not self._calendar.covers(now.date()):
            self._calendar = resolve_calendar(now.year - 1, now.year + 2)
        sub = DossierSubmission(
            code=self.codes(procedure.agency),
            reference=secrets.token_hex(16),
            procedure=procedure,
            applicant=APPLICANT,
            documents=self._documents[procedure.code],
            delivery=delivery,
            submitted_at=now,
            calendar=self._calendar,
        )
        if self._sealer is None:
            self._sealer = IntakeSealer.from_settings(self.stack.settings)
        return self._sealer.seal(sub)  # as intake seals it: the workers start nothing else

    async def start(
        self, procedure: Procedure, **kwargs: Any
    ) -> WorkflowHandle[DossierWorkflow, DossierState]:
        """Starts a dossier as intake does (same id, reuse policy and search attributes)."""
        sub = self.submission(procedure, **kwargs)
        await start_dossier(self.stack.client, sub, self.task_queue)
        return self.stack.client.get_workflow_handle_for(DossierWorkflow.run, sub.code)


@dataclass(frozen=True)
class Step:
    """One officer action: `update` is the workflow update's name."""

    officer: OfficerIdentity
    item: BaseModel
    update: str = "act"


def _act(officer: OfficerIdentity, action: str, comment: str, **fields: Any) -> Step:
    return Step(officer, OfficerAction(officer=officer, action=action, comment=comment, **fields))


def stage_steps(stack: Stack, procedure: Procedure, stage_id: str) -> list[Step]:
    """The actions that move a dossier past `stage_id` on the happy path (and the applicant's
    payment of the fee, where the procedure waits for it after this stage)."""
    stage = procedure.stage(stage_id)
    if stage.kind == StageKind.reception:
        accept = _act(stack.assignee(procedure, stage_id), "accept", "Hồ sơ đầy đủ, hợp lệ")
        return [accept, *payment_steps(stack, procedure, FeePayment.before_reception)]
    if stage.kind == StageKind.consultation:
        return [
            _act(stack.officer_for(agency=agency), "concur", "Thống nhất")
            for agency in stage.agencies
        ]
    approve = _act(stack.assignee(procedure, stage_id), "approve", "Đồng ý")
    if stage.kind == StageKind.decision:
        return [approve, *payment_steps(stack, procedure, FeePayment.before_delivery)]
    return [approve]


PAYMENT_UPDATES = ("open_payment", "pay")


def payment_steps(stack: Stack, procedure: Procedure, when: FeePayment) -> list[Step]:
    """The applicant pays the fee online, as hoso's IPN handler tells the dossier (unsigned: the
    gateway's signature is checked at the API)."""
    if procedure.payment != when:
        return []
    reference = f"bench-{secrets.token_hex(8)}"
    officer = stack.assignee(procedure, procedure.chain[0].id)  # not signed: kept for the shape
    return [
        Step(officer, PaymentOpening(reference=reference, amount=procedure.fee), "open_payment"),
        Step(officer, PaymentConfirmation(reference=reference, amount=procedure.fee), "pay"),
    ]


def happy_path(stack: Stack, procedure: Procedure, delivery: DeliveryChannel) -> list[Step]:
    """Every stage approved; the result delivered (and its delivery confirmed off line)."""
    steps = [s for stage in procedure.chain for s in stage_steps(stack, procedure, stage.id)]
    return steps + confirmation(stack, procedure, delivery)


def confirmation(stack: Stack, procedure: Procedure, delivery: DeliveryChannel) -> list[Step]:
    if delivery == DeliveryChannel.online:
        return []
    officer = stack.assignee(procedure, procedure.chain[0].id)
    return [
        Step(officer, DeliveryConfirmation(officer=officer, note="Đã giao"), "confirm_delivery")
    ]


def rework_path(stack: Stack, procedure: Procedure, delivery: DeliveryChannel) -> list[Step]:
    """The head of division returns the dossier to the specialist once, then the chain again."""
    steps: list[Step] = []
    for stage in procedure.chain:
        if stage.id == "head":
            officer = stack.assignee(procedure, "head")
            steps.append(_act(officer, "return", "Làm rõ phần đánh giá", to_stage="specialist"))
            back = procedure.index("specialist")
            for again in procedure.chain[back : procedure.index("head")]:
                steps += stage_steps(stack, procedure, again.id)
        steps += stage_steps(stack, procedure, stage.id)
    return steps + confirmation(stack, procedure, delivery)


class TimedHandle:
    """A workflow handle that times each update round trip (the query before it is not timed)."""

    def __init__(self, handle: WorkflowHandle[Any, Any], samples: list[float]) -> None:
        self._handle = handle
        self._samples = samples
        self.id = handle.id

    async def query(self, *args: Any, **kwargs: Any) -> Any:
        return await self._handle.query(*args, **kwargs)

    async def execute_update(self, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return await self._handle.execute_update(*args, **kwargs)
        finally:
            self._samples.append(time.perf_counter() - began)


@dataclass
class Timings:
    """Update round trips, and whole actions (query + sign + update) as an officer waits them."""

    updates: list[float] = field(default_factory=list)
    actions: list[float] = field(default_factory=list)


async def perform(
    stack: Stack,
    handle: WorkflowHandle[Any, Any],
    step: Step,
    timings: Timings | None = None,
) -> ActionReceipt:
    """Signs and sends one step with the officer's credential (support.credentials.send); its
    answer is the action's receipt."""
    update = getattr(DossierWorkflow, step.update)
    if step.update in PAYMENT_UPDATES:
        receipt: ActionReceipt = await handle.execute_update(update, step.item)
        return receipt
    credential = stack.credential(step.officer)
    # signed at the server's clock: a time-skipping server's runs ahead of the machine's
    at = await stack.env.get_current_time() if stack.env is not None else None
    if timings is None:
        return await send(handle, update, step.item, credential, at=at)
    began = time.perf_counter()
    timed = TimedHandle(handle, timings.updates)
    result = await send(timed, update, step.item, credential, at=at)  # type: ignore[arg-type]
    timings.actions.append(time.perf_counter() - began)
    return result


async def settle(handle: WorkflowHandle[Any, Any], quiet: float = 0.4) -> None:
    """Waits until the dossier does nothing: no activity pending, its history still for `quiet`."""
    last, since = -1, time.monotonic()
    request = DescribeWorkflowExecutionRequest(
        namespace=handle._client.namespace, execution=WorkflowExecution(workflow_id=handle.id)
    )
    while True:
        # The raw call: the SDK's describe() cannot decode the test server's search attributes.
        described = await handle._client.workflow_service.describe_workflow_execution(request)
        length = described.workflow_execution_info.history_length
        if length != last or described.pending_activities:
            last, since = length, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        await asyncio.sleep(0.05)


async def drive(
    stack: Stack,
    handle: WorkflowHandle[Any, Any],
    steps: list[Step],
    timings: Timings | None = None,
    *,
    settled: bool = False,
) -> DossierState:
    """Every step in order, then the workflow's result; `settled`: each step once the dossier
    has finished the previous one's side effects (for counting what each step does)."""
    for step in steps:
        if settled:
            await settle(handle)
        await perform(stack, handle, step, timings)
    result: DossierState = await handle.result()
    return result
