"""No personal data in logs: a whole EIA dossier, from the dossier file to the delivered result,
logs dossier codes and officer ids but never the applicant's name, id number, phone, email or
address, the comments and notes, or what the documents say (issue 5)."""

from __future__ import annotations

import contextlib
import json
import logging
import traceback
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller
from structlog.testing import capture_logs
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities.database import create_schema, make_engine, session_factory
from activities.document_store import DocumentStore
from activities.notify import NotificationActivities, SmtpChannel
from config import Settings
from models.actions import Supplement
from models.dossier import Applicant, DossierStatus
from models.effects import Notification, Recipient
from support.catalogue import publish_paths
from support.intake import store_documents, submit_dossier
from support.publishers import machine_publisher
from tests.activities.conftest import free_port
from tests.workflows.harness import act, assignee, officers, procedure, running_worker, send
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"
APPLICANT = {
    "name": "Đỗ Quỳnh Hương",
    "id_number": "038196004271",
    "phone": "+84 386 123 457",
    "email": "quynhhuong.do@example.vn",
    "address": "27 ngõ Văn Chương, Đống Đa, Hà Nội",
}
SAYINGS = {  # what officers and the applicant write along the way
    "missing": "Thiếu giấy phép xả thải số QH-55",
    "reception": "Hồ sơ thiếu bản vẽ của bà Hương",
    "note": "Tôi bổ sung bản vẽ mặt bằng khu B",
    "specialist": "Đạt yêu cầu theo khảo sát hiện trường lô 17",
    "consulted": "Thống nhất với phương án PCCC nhà xưởng số 3",
    "decision": "Phê duyệt kèm điều kiện quan trắc quý",
}
CONTENT = {  # what the documents say
    "report.pdf": "BAO-CAO-DTM-NOI-DUNG-MAT-4471",
    "drawings.dwg": "BAN-VE-NOI-DUNG-MAT-9902",
    "plan.pdf": "MAT-BANG-KHU-B-NOI-DUNG-MAT-3318",
    "decision.pdf": "QUYET-DINH-NOI-DUNG-MAT-6650",
}
DOCX_CONTENT = "DU-AN-DAU-TU-NOI-DUNG-MAT-1207"


def _documents(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name, text in CONTENT.items():
        head = b"AC1032\x00\x00" if name.endswith(".dwg") else b"%PDF-1.7\n"
        (folder / name).write_bytes(head + text.encode() + b"\n%%EOF\n")
    with zipfile.ZipFile(folder / "project.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", f"<w:t>{DOCX_CONTENT}</w:t>")
    dossier = {
        "procedure": "1.010733",
        "applicant": APPLICANT,
        "documents": [
            {"kind": "eia_report", "path": "report.pdf"},
            {"kind": "drawings", "path": "drawings.dwg"},
            {"kind": "project", "path": "project.docx"},
        ],
        "delivery": "online",
    }
    (folder / "dossier.yaml").write_text(yaml.safe_dump(dossier, allow_unicode=True), "utf-8")


def _secrets() -> dict[str, str]:
    secrets = {f"applicant {key}": value for key, value in APPLICANT.items()}
    secrets["phone as kept"] = "0386123457"
    secrets["phone digits"] = "386123457"
    secrets["id number digits"] = APPLICANT["id_number"][3:]
    secrets |= {f"said at {key}": value for key, value in SAYINGS.items()}
    secrets |= {f"content of {name}": text for name, text in CONTENT.items()}
    secrets["content of project.docx"] = DOCX_CONTENT
    return secrets


def _record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), repr(record.__dict__)]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


async def test_a_whole_dossier_logs_no_personal_data(
    skip_env: WorkflowEnvironment,
    settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        publish_paths(session, [PROCEDURES], publisher=machine_publisher(settings))
    store = DocumentStore(settings.resolved_document_dir)
    folder = tmp_path / "applicant"
    _documents(folder)
    proc = procedure("eia")
    caplog.set_level(logging.DEBUG)  # Temporal's own loggers, and structlog through stdlib

    with capture_logs() as captured:
        async with running_worker(skip_env, settings) as queue:
            ours = settings.model_copy(update={"task_queue": queue})
            result = await submit_dossier(
                folder / "dossier.yaml",
                settings=ours,
                client=skip_env.client,
                sessions=sessions,
                store=store,
            )
            handle = skip_env.client.get_workflow_handle_for(DossierWorkflow.run, result.code)
            try:
                reception = assignee(proc, "reception")
                await act(
                    handle,
                    reception,
                    "request_supplement",
                    missing=[SAYINGS["missing"]],
                    comment=SAYINGS["reception"],
                )
                added = store_documents(
                    [("drawings", "plan.pdf")], folder, proc, store=store, settings=ours
                )
                await send(
                    handle,
                    DossierWorkflow.supplement,
                    Supplement(documents=added, note=SAYINGS["note"]),
                )
                await act(handle, reception, "accept")
                specialist = assignee(proc, "specialist")
                await act(handle, specialist, "approve", comment=SAYINGS["specialist"])
                for agency in proc.stage("consult").agencies:  # type: ignore[union-attr]
                    consulted = next(o for o in _officers() if o.agency == agency)
                    await act(handle, consulted, "concur", comment=SAYINGS["consulted"])
                await act(handle, assignee(proc, "head"), "approve")
                signed = store_documents(
                    [("decision", "decision.pdf")], folder, None, store=store, settings=ours
                )
                await act(
                    handle,
                    assignee(proc, "decide"),
                    "approve",
                    comment=SAYINGS["decision"],
                    documents=signed,
                )
                final = await handle.result()
            finally:
                with contextlib.suppress(RPCError):
                    await handle.terminate("test finished")
    assert final.status == DossierStatus.completed and final.outcome == "approved"

    structured = [json.dumps(entry, ensure_ascii=False, default=str) for entry in captured]
    stdlib = [_record_text(record) for record in caplog.records]
    logs = "\n".join(structured + stdlib)
    # The capture saw the dossier's life, or its silence about personal data would prove nothing.
    for event in ("dossier_recorded", "form_issued", "notification_sent"):
        assert event in logs, f"no {event} was captured"
    assert result.code in logs
    leaks = {what: value for what, value in _secrets().items() if value in logs}
    assert leaks == {}, f"personal data in the logs: {sorted(leaks)}"


def _officers() -> list[Any]:
    return [o for o in officers().values() if o.role != "operator"]


def test_the_secrets_are_the_data_as_hoso_keeps_it() -> None:
    """The normalised phone number is what the workflow carries; it is among the checked values."""
    kept = Applicant.model_validate(APPLICANT)
    assert kept.phone in _secrets().values() and kept.name in _secrets().values()


class _RefusingServer:
    """An SMTP server that refuses every recipient, repeating the address as servers do."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, _: Any
    ) -> str:
        return f"550 5.1.1 <{address}>: Recipient address rejected"


async def test_a_refused_recipient_is_not_written_into_the_failure_temporal_logs(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Temporal logs a failed activity's exception with its traceback: it must not carry the
    address the SMTP server repeated."""
    engine = make_engine(database_url)
    create_schema(engine)
    port = free_port()
    controller = Controller(_RefusingServer(), hostname="127.0.0.1", port=port)
    controller.start()
    email = APPLICANT["email"]
    notice = Notification(
        key="so-tnmt-261128-0001:1:receipt_issued",
        dossier_code="so-tnmt-261128-0001",
        template="receipt_issued",
        recipient=Recipient(audience="applicant", email=email, phone="0386123457"),
        context={"code": "so-tnmt-261128-0001", "procedure_name": "Thẩm định ĐTM"},
    )
    channel = SmtpChannel("127.0.0.1", port, "hoso@example.gov.vn", timeout=5)
    activities = NotificationActivities(session_factory(engine), channel)
    caplog.set_level(logging.DEBUG)
    try:
        with capture_logs() as captured, pytest.raises(Exception) as failure:
            await activities.send_notification(notice)
    finally:
        controller.stop()
    logged = "".join(traceback.format_exception(failure.value))
    ours = [record for record in caplog.records if record.name != "mail.log"]  # not the server's
    logged += json.dumps(captured, default=str) + "".join(map(_record_text, ours))
    assert "Recipient" in logged or "SMTP" in logged  # the failure itself is described
    assert email not in logged
