"""Schemathesis against the committed contract: every operation of api/openapi.json, with
generated inputs (signed by an officer, as clients sign), against a real API on 127.0.0.1 over
the session's dev server, a worker and a database with dossiers in it. No answer is a 5xx, and
every answer (status, media type, headers, body) is one the contract declares."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine, session_factory
from config import Settings, get_settings
from support.bootstrap import publish_bundled
from support.credentials import Credential, issue_token
from support.request_signing import OfficerAuth
from tests.api.conftest import APPLICANT, JPG, PDF, extract_dossier
from tests.cli.api_server import api_thread
from tests.payments.conftest import MERCHANT, SECRET
from tests.workflows.harness import worker_thread

CONTRACT = Path(__file__).resolve().parents[2] / "api" / "openapi.json"
# the officers whose signatures the generated requests carry, by the operation's tag
SIGNERS = {"operators": "ops.operator", "tokens": "ops.operator", "reports": "ops.operator"}


class Stack:
    def __init__(self, url: str, credentials: dict[str, Credential]) -> None:
        self.url = url
        self.credentials = credentials
        self.http = httpx.Client(base_url=url, timeout=30)


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, dev_env: WorkflowEnvironment
) -> Iterator[Stack]:
    from worker import build_worker

    folder = tmp_path_factory.mktemp("contract")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOSO_DATA_DIR", str(folder / "data"))
        patch.setenv("HOSO_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host)
        patch.setenv("HOSO_TASK_QUEUE", f"contract-{uuid.uuid4()}")
        # forbidden inputs fail authentication by the hundred: the address must not be shut out
        patch.setenv("HOSO_API_RATE_FAILED_AUTHENTICATIONS", "100000/minute")
        # online payment offered, as the payment routes' contracts assume (no gateway there)
        patch.setenv("HOSO_PAYMENT_GATEWAY_URL", "http://127.0.0.1:9/paymentv2/vpcpay.html")
        patch.setenv("HOSO_PAYMENT_QUERY_URL", "http://127.0.0.1:9/merchant_webapi/api/transaction")
        patch.setenv("HOSO_PAYMENT_MERCHANT", MERCHANT)
        patch.setenv("HOSO_PAYMENT_HASH_SECRET", SECRET)
        get_settings.cache_clear()
        own: Settings = get_settings()
        with api_thread(own) as url, worker_thread(own, build_worker):
            engine = make_engine(own.resolved_database_url)
            sessions = session_factory(engine)
            with sessions() as session:
                publish_bundled(session, own)
            signers = {"xa.reception", *SIGNERS.values()}
            credentials = {o: issue_token(sessions, own, o) for o in signers}
            found = Stack(url, credentials)
            _submit(found)
            yield found
            found.http.close()
            engine.dispose()
    get_settings.cache_clear()


def _submit(stack: Stack) -> None:
    """A dossier in the database, so that lists and counts have something to answer."""
    response = stack.http.post(
        "/api/v1/dossiers",
        data={"dossier": json.dumps(extract_dossier(applicant=APPLICANT))},
        files=[("documents", ("form.pdf", PDF)), ("documents", ("card.jpg", JPG))],
        auth=OfficerAuth(stack.credentials["xa.reception"]),
    )
    assert response.status_code == 201, response.text


SCHEMA = schemathesis.openapi.from_dict(json.loads(CONTRACT.read_text()))
OPERATIONS = {op.ok().label: op.ok() for op in SCHEMA.get_all_operations()}


def _send(stack: Stack, case: Case) -> httpx.Response:
    """The generated request as a client sends it: signed by the officer of its tag."""
    kwargs = case.as_transport_kwargs(base_url=stack.url)
    tags = case.operation.tags or []
    signer = next((SIGNERS[tag] for tag in tags if tag in SIGNERS), "xa.reception")
    auth = None if "public" in tags or "health" in tags else stack.credentials[signer]
    request = stack.http.build_request(
        kwargs.pop("method"),
        kwargs.pop("url"),
        headers=kwargs.pop("headers", None),
        params=kwargs.pop("params", None),
        json=kwargs.pop("json", None),
        content=kwargs.pop("data", None) if isinstance(kwargs.get("data"), bytes) else None,
        data=kwargs.pop("data", None),
        files=_files(kwargs.pop("files", None)),
        cookies=kwargs.pop("cookies", None),
    )
    return stack.http.send(request, auth=OfficerAuth(auth) if auth else httpx.USE_CLIENT_DEFAULT)


def _files(files: list[tuple[str, tuple[Any, ...]]] | None) -> Any:
    """Multipart parts as httpx takes them: a generated part may be a number or null."""
    if files is None:
        return None
    return [
        (name, (part[0], value if isinstance(value, bytes | str) else json.dumps(value), *part[2:]))
        for name, part in files
        for value in (part[1],)
    ]


def _takes_input(label: str) -> bool:
    operation = OPERATIONS[label].definition.raw
    return bool(operation.get("parameters") or operation.get("requestBody"))


CASES = [
    pytest.param(label, mode, id=f"{label}-{mode.value}")
    for label in sorted(OPERATIONS)
    for mode in GenerationMode
    if mode is GenerationMode.POSITIVE or _takes_input(label)
]


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_every_operation_answers_as_its_contract_says(
    label: str, mode: GenerationMode, stack: Stack
) -> None:
    """Inputs the contract allows, and (negative) inputs it forbids, which must be refused with a
    4xx. An allowed input may still be refused (an agency that does not exist, a period before
    2000): the contract cannot say everything, so refusing schema-valid data is not a failure."""

    @given(case=OPERATIONS[label].as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        derandomize=True,  # the same inputs on every run: CI fails on a finding, not on luck
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def answers_as_declared(case: Case) -> None:
        case.validate_response(_send(stack, case), excluded_checks=[positive_data_acceptance])

    answers_as_declared()
