"""A dossier's applicant notices also reach a real local SMS gateway: once each, through its
outages, short, with the dossier code and no personal data in the logs; the timeline shows them."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from structlog.testing import capture_logs
from temporalio.testing import WorkflowEnvironment

from activities.sms import GSM7, GSM7_LIMIT
from config import Settings, get_settings
from models.actions import Supplement, Withdrawal
from models.dossier import DocumentRef
from operations.access import Caller
from operations.services import Services
from operations.timeline import dossier_timeline
from support.sms_receiver import SmsInbox, SmsReceiver
from tests.workflows.harness import (
    APPLICANT,
    act,
    assignee,
    procedure,
    running_worker,
    send,
    start,
    submission,
)
from workflows.dossier import DossierWorkflow

TOKEN = "sms-gateway-test-token"


@pytest.fixture
def receiver() -> Iterator[SmsReceiver]:
    with SmsReceiver(SmsInbox(token=TOKEN)) as running:
        yield running


@pytest.fixture
def sms_settings(
    settings: Settings, receiver: SmsReceiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The test's settings with the receiver as the gateway, its token a secret file."""
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "hoso_sms_gateway_token").write_text(TOKEN + "\n", encoding="utf-8")
    monkeypatch.setenv("HOSO_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("HOSO_SMS_GATEWAY_URL", receiver.url)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


async def test_supplement_request_and_receipt_reach_the_phone_once_through_an_outage(
    dev_env: WorkflowEnvironment,
    sms_settings: Settings,
    receiver: SmsReceiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    proc = procedure("eia")
    sub = submission("eia")
    receiver.inbox.fail_next = 2  # the gateway is down for the first two requests
    caplog.set_level(logging.DEBUG)
    with capture_logs() as events:
        async with running_worker(dev_env, sms_settings) as queue:
            handle = await start(dev_env.client, queue, sub)
            await act(handle, assignee(proc, "reception"), "request_supplement", missing=["Bản vẽ"])
            added = DocumentRef(
                kind="drawings", file_name="ban-ve.pdf", sha256="ab" * 32, size=10, format="pdf"
            )
            await send(handle, DossierWorkflow.supplement, Supplement(documents=[added]))
            state = await act(handle, assignee(proc, "reception"), "accept")
            assert state.stage == "specialist"
            await send(handle, DossierWorkflow.withdraw, Withdrawal(reason="Rút hồ sơ"))
            await handle.result()  # every notice out by then

    messages = receiver.inbox.messages
    assert [m["to"] for m in messages] == ["+84912345678", "+84912345678"]
    supplement, receipt = sorted(m["text"] for m in messages)  # in either order: concurrent
    assert supplement.startswith(f"Ho so {sub.code} can bo sung, hoan thien.")
    assert receipt.startswith(f"Ho so {sub.code} da duoc tiep nhan, hen tra ket qua ngay ")
    for text in (supplement, receipt):
        assert len(text) <= GSM7_LIMIT and set(text) <= GSM7  # one 7-bit part
    assert receiver.inbox.requests == 4  # two refused in the outage, then one per notice
    assert len({m["reference"] for m in messages}) == 2

    reader = Caller(officer=assignee(proc, "reception"), token_id="test")
    services = Services.from_settings(sms_settings)
    entries = await dossier_timeline(dev_env.client, reader, services, sub.code)
    told = [entry.detail for entry in entries if entry.event == "SMS"]
    # The outage's two failures fell on one notice or on both (they go out concurrently).
    assert sorted(re.sub(r" \(after \d failed attempts?\)", "", line) for line in told) == [
        "receipt_issued to 09xx…xx78: delivered",
        "supplement_requested to 09xx…xx78: delivered",
    ]
    assert sum(int(n) for n in re.findall(r"after (\d) failed", " ".join(told))) == 2
    logged = " ".join(str(event) for event in events) + caplog.text
    assert "sms_sent" in logged and "sms_failed" in logged
    for personal in (APPLICANT.id_number, APPLICANT.phone, APPLICANT.phone[1:], TOKEN):
        assert personal not in logged
