"""The history benchmark runs on a dev server of its own, and its check would see a document."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import HistoryEvent

from bench import history
from bench.dossiers import document_bytes
from tests.bench.helpers import section

pytestmark = pytest.mark.timeout(180)


async def test_history_per_sample_procedure_without_document_bytes(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    await history._main(history.parser().parse_args(["--results", str(results), "--no-worker-log"]))

    body = section(results, "history")
    for code in ("1.010733", "1.009994", "2.000635"):
        assert f"| {code} (" in body
    assert "Document bytes in payloads: none." in body


def test_a_document_in_a_payload_would_be_found_however_encoded() -> None:
    document = document_bytes("eia_report", "pdf")
    for prefix in (b"", b"x", b"xy"):  # every base64 alignment
        data = json.dumps({"file": base64.b64encode(prefix + document).decode()}).encode()
        event = HistoryEvent()
        event.activity_task_scheduled_event_attributes.input.payloads.append(Payload(data=data))
        found = [p for _, p in history.iter_payloads(event)]
        assert len(found) == 1 and history.leaks(found[0].data), prefix
    assert history.leaks(document.hex().encode())
    assert not history.leaks(json.dumps({"sha256": "ab" * 32, "size": 65536}).encode())
