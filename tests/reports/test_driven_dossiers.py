"""Reports, forms, the control sheet and the rebuild over dossiers driven through their real
workflows (time-skipping server): an approved extract, a refused permit, an EIA dossier waiting
for the applicant's supplement."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import delete
from sqlmodel import Session, col, select
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from activities.document_store import DocumentStore
from cli.context import open_context
from config import Settings
from models.calendar import VIETNAM
from models.dossier import DossierStatus
from models.tables import ActionRecord, DocumentRecord, DossierRecord, WaitingRecord
from support.calendars import resolve_calendar
from support.control_sheet import render_control_sheet
from support.rebuild import read_dossier, rebuild
from support.reports import GroupBy, compute_report
from tests.workflows.harness import act, assignee, pay, procedure, running_worker, start, submission

pytestmark = pytest.mark.timeout(180)


def pdf_text(data: bytes) -> str:
    """The PDF's text as a reader sees it, lines and table cells joined by single spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


async def drive(env: WorkflowEnvironment, queue: str) -> dict[str, str]:
    """Three dossiers through known paths; returns their codes by path."""
    extract, permit, eia = procedure("extract"), procedure("permit"), procedure("eia")
    approved = await start(env.client, queue, submission("extract"))
    for stage in extract.chain:
        await act(
            approved,
            assignee(extract, stage.id),
            "accept" if stage.kind == "reception" else "approve",
        )
    await pay(approved)  # the extract's fee is paid before delivery
    await approved.result()
    refused = await start(env.client, queue, submission("permit"))
    await act(
        refused, assignee(permit, permit.chain[0].id), "refuse", comment="Không thuộc thẩm quyền"
    )
    await refused.result()
    waiting = await start(env.client, queue, submission("eia"))
    state = await act(
        waiting,
        assignee(eia, "reception"),
        "request_supplement",
        missing=["Bản vẽ mặt bằng tỷ lệ 1/500"],
        comment="Thiếu bản vẽ",
    )
    assert state.status == DossierStatus.awaiting_supplement
    return {"approved": approved.id, "refused": refused.id, "waiting": waiting.id}


async def test_report_counts_the_dossiers_the_workflows_recorded(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(skip_env, settings) as queue:
        codes = await drive(skip_env, queue)
    # The time-skipping server's clock runs ahead of ours: the period is taken from the rows,
    # as an operator would choose one that covers these dossiers.
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as session:
        recorded = session.exec(select(DossierRecord)).all()
    first = min(r.submitted_at for r in recorded).astimezone(VIETNAM).date()
    last = max(r.closed_at or r.submitted_at for r in recorded).astimezone(VIETNAM).date()
    calendar = resolve_calendar(first.year - 1, last.year + 1)
    with engine.connect() as connection:
        report = compute_report(connection, calendar, first, last, by=GroupBy.procedure)
    engine.dispose()
    total = report.total
    assert (total.received, total.received_online, total.handled) == (3, 3, 3)
    assert (total.finished, total.finished_on_time, total.finished_late) == (2, 2, 0)
    assert (total.in_progress, total.in_progress_late) == (1, 0)
    assert (total.refused, total.supplement_requested, total.electronic_results) == (1, 1, 2)
    # Their documents and their results (the result, the refusal) are files: 4.2 at 100%.
    assert (total.digitised, total.indicators.digitised_share) == (2, 100.0)
    assert total.indicators.on_time_rate == 100.0
    assert [g.group for g in report.groups] == sorted(
        procedure(p).code for p in ("extract", "permit", "eia")
    )
    assert set(codes) == {"approved", "refused", "waiting"}


async def test_forms_are_pdfs_with_vietnamese_text_and_the_control_sheet_lists_handovers(
    skip_env: WorkflowEnvironment,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with running_worker(skip_env, settings) as queue:
        codes = await drive(skip_env, queue)
        source = await read_dossier(skip_env.client, codes["approved"])
    store = DocumentStore(settings.resolved_document_dir)
    with Session(make_engine(settings.resolved_database_url)) as session:
        forms = session.exec(
            select(DocumentRecord).where(
                DocumentRecord.dossier_code == codes["approved"], DocumentRecord.source == "form"
            )
        ).all()
    assert [(f.kind, f.format) for f in forms] == [
        ("receipt", "pdf"),
        ("result", "pdf"),
        ("payment_receipt", "pdf"),
    ]
    receipt = store.read(forms[0].sha256)
    assert receipt.startswith(b"%PDF") and forms[0].size == len(receipt)
    text = pdf_text(receipt)
    assert "PHIẾU TIẾP NHẬN HỒ SƠ" in text and "Nguyễn Thị Hồng" in text
    assert codes["approved"] in text

    assert source.state is not None
    state = source.state
    at = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    sheet = render_control_sheet(source.submission.procedure, state, "Nguyễn Thị Hồng", at)
    assert sheet == render_control_sheet(source.submission.procedure, state, "Nguyễn Thị Hồng", at)
    text = pdf_text(sheet)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Người nộp: Nguyễn Thị Hồng" in text
    officers = [a.actor for a in state.actions if a.actor not in ("applicant", "system")]
    assert all(actor in text for actor in officers)  # who handed each stage on
    assert text.count("Đúng hạn") == len(state.visits) + 1  # reception, then every stage left
    for stage in source.submission.procedure.chain:
        assert getattr(stage, "unit", "") in text
    # (`hoso forms`, a client of the API, is tested in tests/cli/test_form_commands.py)


def snapshot(settings: Settings, codes: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The projection's rows of the dossiers, without row ids and write times."""
    with Session(make_engine(settings.resolved_database_url)) as session:
        dossiers = session.exec(select(DossierRecord).where(col(DossierRecord.code).in_(codes)))
        actions = session.exec(
            select(ActionRecord)
            .where(col(ActionRecord.dossier_code).in_(codes))
            .order_by(col(ActionRecord.dossier_code), col(ActionRecord.seq))
        )
        documents = session.exec(
            select(DocumentRecord)
            .where(col(DocumentRecord.dossier_code).in_(codes))
            .order_by(
                col(DocumentRecord.dossier_code),
                col(DocumentRecord.kind),
                col(DocumentRecord.sha256),
            )
        )
        waiting = session.exec(
            select(WaitingRecord).where(col(WaitingRecord.dossier_code).in_(codes))
        )
        return {
            "dossier": sorted(
                (r.model_dump(exclude={"updated_at"}) for r in dossiers), key=lambda r: r["code"]
            ),
            "dossier_action": [r.model_dump(exclude={"id"}) for r in actions],
            # An applicant document's added_at is the time the projection first wrote it.
            "dossier_document": [
                r.model_dump(exclude={"id"} if r.source == "form" else {"id", "added_at"})
                for r in documents
            ],
            "dossier_waiting": sorted(
                (r.model_dump() for r in waiting),
                key=lambda r: (r["dossier_code"], r["kind"], r["party"]),
            ),
        }


async def test_rebuild_recreates_the_projection_row_by_row(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(skip_env, settings) as queue:
        codes = list((await drive(skip_env, queue)).values())
        before = snapshot(settings, codes)
        assert len(before["dossier"]) == 3 and before["dossier_action"]
        with Session(make_engine(settings.resolved_database_url)) as session:
            for table in (ActionRecord, DocumentRecord, WaitingRecord, DossierRecord):
                session.execute(delete(table))
            session.commit()
        assert snapshot(settings, codes)["dossier"] == []

        ctx = open_context(settings)
        written = await rebuild(skip_env.client, ctx.sessions, ctx.store, codes)

    assert sorted(written) == sorted(codes)
    after = snapshot(settings, codes)
    for table, rows in before.items():
        assert after[table] == rows, table
