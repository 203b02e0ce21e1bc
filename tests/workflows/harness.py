"""Shared steps for driving dossiers through their workflow in tests."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from google.protobuf.empty_pb2 import Empty
from pydantic import BaseModel
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.database import create_schema, make_engine, session_factory
from activities.publications import record_publication, recorded
from config import Settings, get_settings
from models.actions import OfficerAction, OfficerIdentity, Supplement, Withdrawal
from models.agency import AgencyList
from models.calendar import WorkingCalendar
from models.continuation import HISTORY_LIMITS_MEMO, ActionReceipt, HistoryLimits
from models.dossier import Applicant, DocumentRef, DossierSubmission
from models.officer import OfficerRoster
from models.payment import PaymentConfirmation, PaymentOpening
from models.procedure import DeliveryChannel, Procedure
from models.publication import PublicationKind
from models.state import DossierState
from models.tables import ProcedureRecord
from support import update_delivery
from support.agencies import names_for
from support.calendars import resolve_calendar
from support.catalogue import content_hash
from support.client import connect
from support.credentials import Credential, Issuer
from support.intake_seal import IntakeSealer
from support.publishers import machine_publisher
from worker import build_worker
from workflows.dossier import DossierWorkflow

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"
HISTORIES = Path(__file__).resolve().parents[1] / "histories"
SAMPLES = {
    "eia": "eia-appraisal.yaml",
    "permit": "construction-permit.yaml",
    "extract": "civil-status-extract.yaml",
    "council": "eia-appraisal-council.yaml",
}
APPLICANT = Applicant(
    name="Nguyễn Thị Hồng",
    id_number="001190012345",
    phone="0912345678",
    email="hong@example.vn",
    address="12 Phố Huế, Hai Bà Trưng, Hà Nội",
)


ItemT = TypeVar("ItemT", bound=BaseModel)
_codes = (f"{random.randrange(10**6):06d}-{n:04d}" for n in itertools.count(1))


@cache
def procedure(sample: str) -> Procedure:
    data = yaml.safe_load((PROCEDURES / SAMPLES[sample]).read_text(encoding="utf-8"))
    return Procedure.model_validate(data).model_copy(update={"version": 1})


@cache
def agencies() -> AgencyList:
    """The sample catalogue's agency list (the names forms and notices print)."""
    data = yaml.safe_load((PROCEDURES / "agencies.yaml").read_text(encoding="utf-8"))
    return AgencyList.model_validate(data)


@cache
def officers() -> dict[str, OfficerIdentity]:
    data = yaml.safe_load((PROCEDURES / "officers.yaml").read_text(encoding="utf-8"))
    roster = OfficerRoster.model_validate(data)
    return {
        o.id: OfficerIdentity(id=o.id, role=o.role, unit=o.unit, agency=o.agency)
        for o in roster.officers
    }


def officer_for(role: str, unit: str | None = None, agency: str | None = None) -> OfficerIdentity:
    for identity in officers().values():
        if (
            identity.role == role
            and unit in (None, identity.unit)
            and agency
            in (
                None,
                identity.agency,
            )
        ):
            return identity
    raise LookupError(f"no sample officer {role}/{unit}/{agency}")


def assignee(proc: Procedure, stage_id: str) -> OfficerIdentity:
    stage = proc.stage(stage_id)
    return officer_for(stage.role, stage.unit, proc.agency)  # type: ignore[union-attr]


@cache
def calendar() -> WorkingCalendar:
    year = datetime.now(UTC).year
    return resolve_calendar(year - 1, year + 2, None)


def submission(
    sample: str,
    delivery: DeliveryChannel = DeliveryChannel.online,
    code: str | None = None,
    *,
    at: datetime | None = None,
    working_calendar: WorkingCalendar | None = None,
) -> DossierSubmission:
    """A complete dossier of a sample procedure, submitted `at` (default: now). A test at a
    moment it found (tests/situations.py) passes the `working_calendar` it found it on, which
    covers that moment; the default covers the years around now."""
    proc = procedure(sample)
    documents = [
        DocumentRef(
            kind=doc.kind,
            file_name=f"{doc.kind}.{doc.formats[0]}",
            sha256=f"{i:064x}",
            size=1000 + i,
            format=doc.formats[0],
        )
        for i, doc in enumerate(proc.documents)
        if doc.required
    ]
    return DossierSubmission(
        code=code or f"{proc.agency}-{next(_codes)}",
        reference=uuid.uuid4().hex,
        procedure=proc,
        applicant=APPLICANT,
        documents=documents,
        delivery=delivery,
        submitted_at=at or datetime.now(UTC),
        calendar=working_calendar or calendar(),
        names=names_for(agencies().agencies, proc),
    )


_started: dict[str, list[WorkflowHandle]] = {}


@asynccontextmanager
async def running_worker(
    env: WorkflowEnvironment, settings: Settings, queue: str | None = None
) -> AsyncIterator[str]:
    """A worker on its own task queue (or `queue`); dossiers left open are terminated when it
    stops.

    On the shared time-skipping server an open dossier without a worker would keep time
    jumping ahead for every later test.
    """
    queue = queue or f"test-{uuid.uuid4()}"
    use_issuer(settings)
    _intake_settings[queue] = settings
    async with build_worker(env.client, settings, task_queue=queue):
        try:
            yield queue
        finally:
            for handle in _started.pop(queue, []):
                with contextlib.suppress(RPCError):
                    await _quiet(handle)
                    await handle.terminate("test finished")


@contextmanager
def worker_thread(
    settings: Settings, build: Callable[[Client, Settings], Worker]
) -> Iterator[None]:
    """The worker `build` makes, on the settings' task queue, running in a thread of its own
    until the block ends."""
    ready, stopped = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    async def serve() -> None:
        client = await connect(settings)
        async with build(client, settings):
            ready.set()
            while not stopped.is_set():
                await asyncio.sleep(0.05)

    def target() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # reported below
            errors.append(exc)
            ready.set()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    assert ready.wait(30), "the worker did not start"
    assert not errors, errors
    try:
        yield
    finally:
        stopped.set()
        thread.join(30)


async def _quiet(handle: WorkflowHandle[Any, Any], seconds: float = 60.0) -> None:
    """Lets the activities still running end first (notices go out after an update returns):
    the time-skipping server leaks its time lock when a dossier is terminated mid-activity."""
    deadline = asyncio.get_running_loop().time() + seconds
    quiet = 0  # consecutive looks with nothing running: one may fall between two activities
    while asyncio.get_running_loop().time() < deadline and quiet < 3:
        raw = await handle._client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(
                namespace=handle._client.namespace,
                execution=WorkflowExecution(workflow_id=handle.id),
            )
        )  # raw: the test server's datetime search attributes do not parse in `describe()`
        running = WorkflowExecutionStatus.RUNNING.value
        if raw.workflow_execution_info.status != running:
            return
        quiet = 0 if raw.pending_activities else quiet + 1
        await asyncio.sleep(0.05)


async def start(
    client: Client, queue: str, sub: DossierSubmission, limits: HistoryLimits | None = None
) -> WorkflowHandle[DossierWorkflow, DossierState]:
    """Starts `sub` as intake would (sealed); `limits`: when its runs continue as new."""
    sub = sealed_for(queue, sub)
    memo = {HISTORY_LIMITS_MEMO: limits} if limits is not None else None
    handle = await client.start_workflow(
        DossierWorkflow.run, sub, id=sub.code, task_queue=queue, memo=memo
    )
    _started.setdefault(queue, []).append(handle)
    return handle


_intake_settings: dict[str, Settings] = {}


def intake_for(queue: str, settings: Settings) -> None:
    """Dossiers started on `queue` are sealed and published as the intake of `settings` would
    (workers that `running_worker` did not start: other processes, their own data folder)."""
    _intake_settings[queue] = settings


def sealed_for(queue: str, sub: DossierSubmission) -> DossierSubmission:
    """`sub` admitted by the intake of the workers on `queue` (see `intake_for`)."""
    return admitted(sub, _intake_settings.get(queue) or get_settings())


def admitted(sub: DossierSubmission, settings: Settings) -> DossierSubmission:
    """`sub` as hoso's intake would start it: its procedure published in the catalogue of
    `settings` (the workers' database) and the submission sealed with their intake key."""
    publish(settings, sub.procedure)
    return IntakeSealer.from_settings(settings).seal(sub)


def publish(settings: Settings, proc: Procedure) -> None:
    """`proc` as a published version of the catalogue, unless that version is there already,
    on the publication record signed by the issuer key of `settings`."""
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    digest = content_hash(proc)
    try:
        with session_factory(engine)() as session:
            if not recorded(session, PublicationKind.procedure, proc.code, digest, proc.version):
                proof = machine_publisher(settings).proof_for(
                    PublicationKind.procedure, proc.code, proc.agency, digest
                )
                record_publication(
                    session, proof, proc.model_dump(mode="json"), version=proc.version
                )
                session.commit()
            if session.get(ProcedureRecord, (proc.code, proc.version)) is None:
                session.add(
                    ProcedureRecord(
                        code=proc.code,
                        version=proc.version,
                        name=proc.name,
                        agency=proc.agency,
                        source_sha256=content_hash(proc),
                        body=proc.model_dump(mode="json"),
                        published_at=datetime.now(UTC),
                    )
                )
                session.commit()
    finally:
        engine.dispose()


_issuer: Issuer | None = None
_credentials: dict[tuple[str, OfficerIdentity], Credential] = {}


def use_issuer(settings: Settings | None) -> Issuer | None:
    """The issuer whose public key the workers of `settings` trust signs the test's actions
    (None: the issuer of the test's own settings; reset after each test)."""
    global _issuer
    _issuer = Issuer.from_settings(settings) if settings else None
    return _issuer


def credential(who: OfficerIdentity) -> Credential:
    """A credential for `who` from the current issuer (one per officer, reused)."""
    issuer = _issuer or Issuer.from_settings(get_settings())  # the test's own data folder
    key = (issuer.public_key, who)
    if key not in _credentials:
        # The shared time-skipping server's clock runs years ahead: a long-lived credential.
        since = datetime(2020, 1, 1, tzinfo=UTC)
        _credentials[key] = issuer.certify(who, valid_for=timedelta(days=100 * 365), now=since)
    return _credentials[key]


def counter_officer(procedure_code: str) -> OfficerIdentity:
    """The one-stop officer who receives the applicant's requests for a sample procedure."""
    proc = next(procedure(s) for s in SAMPLES if procedure(s).code == procedure_code)
    return assignee(proc, proc.chain[0].id)


_time_skipping: dict[int, bool] = {}


async def server_time(client: Client) -> datetime:
    """The server's clock, which signatures are judged by: the time-skipping server's runs ahead
    of the machine's; the dev server's is the machine's."""
    if _time_skipping.get(id(client)) is not False:
        try:
            found = await client.test_service.get_current_time(Empty())
        except RPCError:
            _time_skipping[id(client)] = False
        else:
            _time_skipping[id(client)] = True
            return found.time.ToDatetime().replace(tzinfo=UTC)
    return datetime.now(UTC)


async def sign(handle: WorkflowHandle, update: Any, item: ItemT) -> ItemT:
    """`item` signed by its officer for the dossier's current stage; the applicant's requests
    (supplement, withdrawal) are received and signed by the one-stop officer."""
    state = await handle.query(DossierWorkflow.state)
    if isinstance(item, Supplement | Withdrawal) and item.officer is None:
        item = item.model_copy(update={"officer": counter_officer(state.procedure_code)})
    officer = getattr(item, "officer", None)
    assert officer is not None, "every update is signed by an officer"
    at = await server_time(handle._client)
    return credential(officer).sign(
        item, dossier=handle.id, stage=state.stage, update=update.__name__, at=at
    )


async def send(handle: WorkflowHandle, update: Any, item: BaseModel) -> DossierState:
    """Executes `update` with `item`, signed by its officer; the state after it (the update
    answers a receipt, the `state` query the whole state)."""
    signed = await sign(handle, update, item)
    receipt: ActionReceipt = await update_delivery.execute(handle, update, signed)
    assert receipt.code == handle.id
    return await handle.query(DossierWorkflow.state)


async def act(
    handle: WorkflowHandle[DossierWorkflow, DossierState],
    who: OfficerIdentity,
    action: str,
    **fields: object,
) -> DossierState:
    return await send(
        handle, DossierWorkflow.act, OfficerAction(officer=who, action=action, **fields)
    )


async def record_history(handle: WorkflowHandle, name: str) -> None:
    """Saves the history for the replay tests when HOSO_RECORD_HISTORIES=1."""
    if os.environ.get("HOSO_RECORD_HISTORIES") != "1":
        return
    history = await handle.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json(), encoding="utf-8")


async def pay(handle: WorkflowHandle[DossierWorkflow, DossierState]) -> DossierState:
    """The applicant pays the fee the dossier waits for, as hoso's IPN handler tells the dossier
    once the gateway's IPN checked out: an attempt opened, then its confirmation."""
    state = await handle.query(DossierWorkflow.state)
    assert state.payment is not None, f"dossier {state.code} is not waiting for a payment"
    reference = f"{state.code}-{uuid.uuid4().hex[:8]}"
    amount = state.payment.amount
    await handle.execute_update(
        DossierWorkflow.open_payment, PaymentOpening(reference=reference, amount=amount)
    )
    await handle.execute_update(
        DossierWorkflow.pay,
        PaymentConfirmation(
            reference=reference, amount=amount, transaction_number="14000001", bank="NCB"
        ),
    )
    return await handle.query(DossierWorkflow.state)
