"""Issue 22, item 7: one unreadable dossier no longer stops `hoso verify --all` or `hoso rebuild
--all`; it is named with the reason, the others are checked, and the exit code says some
failed."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from config import Settings
from support.codec import EncryptionCodec
from support.dossier_failures import failure_of
from support.rebuild import dossier_codes
from tests.security.dossiers import cli_deployment, eia_dossier, hoso
from tests.workflows.harness import APPLICANT, submission

pytestmark = pytest.mark.timeout(240)
PRIVATE = (APPLICANT.name, APPLICANT.id_number, APPLICANT.phone)


@pytest.fixture
def cli_env(
    dev_env: WorkflowEnvironment, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    yield from cli_deployment(dev_env, monkeypatch)


@pytest_asyncio.fixture
async def elsewhere(dev_env: WorkflowEnvironment) -> AsyncIterator[Client]:
    """A client whose payloads are encrypted with a key the verifying process lacks."""
    codec = EncryptionCodec({"elsewhere": os.urandom(32)}, "elsewhere")
    yield await Client.connect(
        dev_env.client.service_client.config.target_host,
        data_converter=dataclasses.replace(pydantic_data_converter, payload_codec=codec),
    )


async def unreadable_dossiers(
    dev_env: WorkflowEnvironment, elsewhere: Client, queue: str, codes: list[str]
) -> list[WorkflowHandle[Any, Any]]:
    """Two dossiers on the deployment's queue whose histories cannot be read: one started by a
    plain client with a bogus input (holding an applicant's name), one whose payloads are
    encrypted with another key."""
    bogus = await dev_env.client.start_workflow(
        "DossierWorkflow",
        {"code": codes[0], "applicant": {"name": APPLICANT.name}},
        id=codes[0],
        task_queue=queue,
    )
    sub = submission("eia", code=codes[1])
    locked = await elsewhere.start_workflow("DossierWorkflow", sub, id=sub.code, task_queue=queue)
    return [bogus, locked]


async def test_verify_all_and_rebuild_all_go_on_past_unreadable_dossiers(
    dev_env: WorkflowEnvironment, cli_env: Settings, elsewhere: Client
) -> None:
    day = f"so-tnmt-{uuid.uuid4().int % 10**6:06d}"  # checked in the order of their numbers
    first = await eia_dossier(dev_env, cli_env, cli_env.task_queue, code=f"{day}-0001")
    middle = [f"{day}-0002", f"{day}-0003"]
    last = await eia_dossier(dev_env, cli_env, cli_env.task_queue, code=f"{day}-0004")
    unreadable = await unreadable_dossiers(dev_env, elsewhere, cli_env.task_queue, middle)
    try:
        while len([c async for c in dossier_codes(dev_env.client, cli_env.task_queue)]) < 4:
            await asyncio.sleep(0.1)  # the server's list catches up with its dossiers
        bogus, locked = middle

        result = await asyncio.to_thread(hoso, "verify", "--all")
        assert result.exit_code == 1, result.output
        lines = result.stdout.splitlines()
        assert lines[0].startswith(f"{first.code}: record intact")
        assert lines[1].startswith(
            f"{bogus}: failed (unreadable_history): its history holds a DossierSubmission that"
            " does not decode: "
        )
        assert lines[2] == (
            f"{locked}: failed (unreadable_payload): payload encrypted with unknown key id"
            " 'elsewhere'; add it to HOSO_ENCRYPTION_KEYS"
        )
        assert lines[3].startswith(f"{last.code}: record intact")
        assert lines[4:] == ["checked 4: 2 intact, 0 with differences, 2 failed"]
        assert not any(private in result.output for private in PRIVATE)

        result = await asyncio.to_thread(hoso, "rebuild", "--all")
        assert result.exit_code == 1, result.output
        lines = result.stdout.splitlines()
        assert sorted(line.split(":")[0] for line in lines[:-1]) == [bogus, locked]
        assert lines[-1] == "rebuilt 2 dossiers, 2 failed"
        assert not any(private in result.output for private in PRIVATE)
    finally:
        for handle in unreadable:
            await handle.terminate("test finished")


class Applicant(BaseModel):
    name: str
    id_number: int


def test_a_failure_is_told_without_the_values_it_concerns() -> None:
    with pytest.raises(ValidationError) as invalid:
        Applicant.model_validate({"name": 7, "id_number": APPLICANT.name})
    told = failure_of("so-tnmt-1", invalid.value)
    assert told.kind == "unreadable_history"
    assert "name" in told.reason and APPLICANT.name not in told.reason

    statement = "INSERT INTO dossier (applicant_id_number) VALUES (?)"
    written = IntegrityError(statement, (APPLICANT.id_number,), Exception("UNIQUE failed"))
    told = failure_of("so-tnmt-1", written)
    assert APPLICANT.id_number not in told.line()
    assert told.line() == "so-tnmt-1: failed (database_error): database unavailable: UNIQUE failed"

    gone = RPCError("workflow not found", RPCStatusCode.NOT_FOUND, b"")
    assert failure_of("so-tnmt-1", gone).line() == (
        "so-tnmt-1: failed (not_in_temporal): Temporal no longer holds its history"
    )
    defect = KeyError(APPLICANT.phone)
    assert failure_of("so-tnmt-1", defect).line() == (
        "so-tnmt-1: failed (unexpected_error): KeyError while reading it"
    )
