"""Issue 22, item 1: a workflow start carries its own review chain, and the worker believed it.

A plain Temporal client (the pydantic data converter, no codec, no intake seal) started
`DossierWorkflow` with the EIA procedure copied but its chain cut to reception → a decision held
by the reception officer, submitted 400 days back; the reception officer then decided alone. A
dossier now starts only from a submission hoso's intake sealed, of a procedure version the
catalogue published with the same content; anything else fails at once (`SubmissionRefused`)
with nothing recorded, sent or allocated.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from temporalio.client import WorkflowFailureError, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities.database import SessionFactory, create_schema, make_engine, session_factory
from activities.document_store import DocumentStore
from config import Settings
from models.actions import OfficerAction
from models.dossier import DossierSubmission
from models.procedure import Procedure
from models.tables import DossierCounter, DossierRecord, NotificationRecord
from support.catalogue import latest_procedure, publish_paths
from support.intake_seal import IntakeSealer
from support.publishers import machine_publisher
from support.seals import public_seals
from support.verify import verify_dossier
from tests.workflows.harness import (
    PROCEDURES,
    act,
    admitted,
    assignee,
    credential,
    procedure,
    running_worker,
    server_time,
    start,
    submission,
)
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def catalogue(settings: Settings) -> SessionFactory:
    """The sample catalogue (officers, agencies, procedures) published in the test's database."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        publish_paths(session, [PROCEDURES], publisher=machine_publisher(settings))
    return sessions


def cut_chain(proc: Procedure) -> Procedure:
    """The procedure with its chain cut to reception → a decision held by the reception officer."""
    data = proc.model_dump(mode="json")
    reception, decision = data["chain"][0], data["chain"][-1]
    data["chain"] = [reception, decision | {"role": reception["role"], "unit": reception["unit"]}]
    return Procedure.model_validate(data)


def forged(sessions: SessionFactory, proc: Procedure | None = None) -> DossierSubmission:
    """The attacker's start input: the published EIA procedure copied (or `proc`), submitted
    400 days back, no seal."""
    with sessions() as session:
        published = latest_procedure(session, "1.010733")
    sub = submission("eia", at=datetime.now(UTC) - timedelta(days=400))
    return sub.model_copy(update={"procedure": proc or published, "seal": None})


async def refused_start(handle: WorkflowHandle) -> str:
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError), cause
    assert cause.type == "SubmissionRefused"
    assert cause.non_retryable is not False
    return str(cause)


def nothing_recorded(sessions: SessionFactory, code: str) -> None:
    with sessions() as session:
        assert session.get(DossierRecord, code) is None
        assert session.exec(select(NotificationRecord)).all() == []
        assert session.exec(select(DossierCounter)).all() == []


async def reception_cannot_act(handle: WorkflowHandle, sub: DossierSubmission) -> None:
    reception = assignee(sub.procedure, sub.procedure.chain[0].id)
    accept = OfficerAction(officer=reception, action="accept", comment="Đủ")
    at = await server_time(handle._client)  # judged by the server's clock
    signed = credential(reception).sign(
        accept, dossier=sub.code, stage="reception", update="act", at=at
    )
    with pytest.raises((WorkflowUpdateFailedError, RPCError)):
        await handle.execute_update(DossierWorkflow.act, signed)


async def test_a_plain_client_cannot_start_a_dossier_with_a_cut_chain(
    skip_env: WorkflowEnvironment, settings: Settings, catalogue: SessionFactory
) -> None:
    with catalogue() as session:
        cut = cut_chain(latest_procedure(session, "1.010733"))
    sub = forged(catalogue, cut)
    async with running_worker(skip_env, settings) as queue:
        handle = await skip_env.client.start_workflow(
            "DossierWorkflow", sub, id=sub.code, task_queue=queue
        )
        reason = await refused_start(handle)
        assert "no intake seal" in reason
        await reception_cannot_act(handle, sub)
        store = DocumentStore(settings.resolved_document_dir)
        report = await verify_dossier(
            skip_env.client, catalogue, store, public_seals(settings), sub.code
        )
        assert any("not accepted by hoso's intake" in line for line in report.lines())
    nothing_recorded(catalogue, sub.code)
    assert "Nguyễn" not in reason and sub.applicant.id_number not in reason


async def test_a_copied_procedure_without_the_seal_is_refused_too(
    skip_env: WorkflowEnvironment, settings: Settings, catalogue: SessionFactory
) -> None:
    """Even the published procedure, unchanged: only intake starts dossiers."""
    sub = forged(catalogue)
    async with running_worker(skip_env, settings) as queue:
        handle = await skip_env.client.start_workflow(
            "DossierWorkflow", sub, id=sub.code, task_queue=queue
        )
        assert "no intake seal" in await refused_start(handle)
    nothing_recorded(catalogue, sub.code)


@pytest.mark.parametrize("attack", ["tampered after sealing", "sealed by a rogue key"])
async def test_a_sealed_looking_start_with_a_tampered_procedure_is_refused(
    skip_env: WorkflowEnvironment, settings: Settings, catalogue: SessionFactory, attack: str
) -> None:
    genuine = admitted(submission("eia"), settings)  # as intake sealed it
    cut = cut_chain(genuine.procedure)
    if attack == "tampered after sealing":
        sub = genuine.model_copy(update={"procedure": cut})
        expected = "does not match the submission"
    else:
        rogue = IntakeSealer.create(settings.data_dir / "rogue-keys", "dev")
        sub = rogue.seal(genuine.model_copy(update={"procedure": cut}))
        expected = "does not match the submission"  # same key id, another key
    async with running_worker(skip_env, settings) as queue:
        handle = await skip_env.client.start_workflow(
            "DossierWorkflow", sub, id=sub.code, task_queue=queue
        )
        assert expected in await refused_start(handle)
        await reception_cannot_act(handle, sub)
    nothing_recorded(catalogue, sub.code)


async def test_with_intake_key_an_unpublished_procedure_is_still_refused(
    skip_env: WorkflowEnvironment, settings: Settings, catalogue: SessionFactory
) -> None:
    """An attacker holding intake's key can seal, but not publish: the catalogue check holds."""
    with catalogue() as session:
        cut = cut_chain(latest_procedure(session, "1.010733"))
    sub = IntakeSealer.from_settings(settings).seal(forged(catalogue, cut))
    async with running_worker(skip_env, settings) as queue:
        handle = await skip_env.client.start_workflow(
            "DossierWorkflow", sub, id=sub.code, task_queue=queue
        )
        assert "never published by the catalogue" in await refused_start(handle)
    nothing_recorded(catalogue, sub.code)


async def test_a_start_sealed_by_intake_goes_through_its_chain(
    skip_env: WorkflowEnvironment, settings: Settings, catalogue: SessionFactory
) -> None:
    proc = procedure("extract")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, submission("extract"))
        state = await act(handle, assignee(proc, proc.chain[0].id), "accept")
        assert state.status == "in_review"
    with catalogue() as session:
        assert session.get(DossierRecord, handle.id) is not None
