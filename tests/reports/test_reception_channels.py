"""The reception channel (online, counter, post) and the counter officer: recorded by the
projection, counted by indicator 3.3 and printed on the receipt and the control sheet."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from activities.document_store import DocumentStore
from config import Settings
from models.calendar import VIETNAM
from models.dossier import Receiver, ReceptionChannel
from models.tables import DocumentRecord, DossierRecord
from support.calendars import resolve_calendar
from support.control_sheet import render_control_sheet
from support.reports import GroupBy, compute_report
from tests.reports.test_driven_dossiers import pdf_text
from tests.workflows.harness import (
    APPLICANT,
    act,
    assignee,
    procedure,
    record_history,
    running_worker,
    start,
    submission,
)

pytestmark = pytest.mark.timeout(180)


async def test_a_dossier_received_at_the_counter_is_counted_and_printed_as_such(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    eia = procedure("eia")
    reception = assignee(eia, "reception")
    at_counter = submission("eia").model_copy(
        update={
            "received_via": ReceptionChannel.counter,
            "received_by": Receiver(id=reception.id, name="Nguyễn Thị Lan"),
        }
    )
    online = submission("eia")
    async with running_worker(skip_env, settings) as queue:
        for sub in (at_counter, online):
            handle = await start(skip_env.client, queue, sub)
            state = await act(handle, reception, "accept")
        counter = skip_env.client.get_workflow_handle(at_counter.code)
        counter_state = await counter.query("state")
        # A submission with its channel, its counter officer and the names it prints.
        await record_history(counter, "received_at_the_counter")

    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as session:
        rows = {row.code: row for row in session.exec(select(DossierRecord))}
        (receipt,) = session.exec(
            select(DocumentRecord).where(
                DocumentRecord.dossier_code == at_counter.code, DocumentRecord.kind == "receipt"
            )
        ).all()
    assert (rows[at_counter.code].received_via, rows[at_counter.code].received_by) == (
        "counter",
        reception.id,
    )
    assert (rows[online.code].received_via, rows[online.code].received_by) == ("online", None)

    # The time-skipping server's clock runs ahead of ours: the period is taken from the rows.
    days = [
        moment.astimezone(VIETNAM).date()
        for row in rows.values()
        for moment in (row.submitted_at, row.received_at)
        if moment is not None
    ]
    calendar = resolve_calendar(min(days).year - 1, max(days).year + 1)
    with engine.connect() as connection:
        report = compute_report(connection, calendar, min(days), max(days), by=GroupBy.agency)
    engine.dispose()
    total = report.total
    assert (total.received, total.received_online, total.received_counter) == (2, 1, 1)
    assert total.indicators.online_share == 50.0

    text = pdf_text(DocumentStore(settings.resolved_document_dir).read(receipt.sha256))
    assert "Hình thức tiếp nhận: trực tiếp tại Bộ phận Một cửa" in text
    assert "Cán bộ tiếp nhận: Nguyễn Thị Lan" in text
    assert state.received_via == "online"

    sheet = pdf_text(
        render_control_sheet(
            eia,
            type(state).model_validate(counter_state),
            APPLICANT.name,
            datetime(2026, 11, 30, 3, 0, tzinfo=UTC),
            at_counter.names,
        )
    )
    cells = "".join(sheet.split())  # a table cell wraps its words without a space
    assert "tiếpnhậntrựctiếptạiBộphậnMộtcửa" in cells and f"—{reception.id}" in cells
    assert "trựctuyến" not in cells
