"""Forms and notices print the official names of agencies, units and stages, not their codes."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from activities.document_store import DocumentStore
from config import Settings
from models.tables import DocumentRecord, NotificationRecord
from tests.reports.test_driven_dossiers import pdf_text
from tests.workflows.harness import act, assignee, procedure, running_worker, start, submission

pytestmark = pytest.mark.timeout(120)


async def test_the_receipt_and_the_notices_name_the_agency_its_units_and_stages(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    eia = procedure("eia")
    sub = submission("eia")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, assignee(eia, "reception"), "accept")
        state = await act(handle, assignee(eia, "specialist"), "approve")
        assert state.stage == "consult"

    with Session(make_engine(settings.resolved_database_url)) as session:
        (receipt,) = session.exec(
            select(DocumentRecord).where(
                DocumentRecord.dossier_code == sub.code, DocumentRecord.kind == "receipt"
            )
        ).all()
        notices = session.exec(
            select(NotificationRecord).where(NotificationRecord.dossier_code == sub.code)
        ).all()
    text = pdf_text(DocumentStore(settings.resolved_document_dir).read(receipt.sha256))
    assert "Sở Tài nguyên và Môi trường" in text
    assert "Bộ phận Một cửa đã tiếp nhận hồ sơ của" in text
    assert "so-tnmt" not in text.replace(sub.code, "")

    by_template = {notice.template: notice for notice in notices}
    assigned = [n.subject for n in notices if n.template == "stage_assigned"]
    assert assigned == [
        f"Hồ sơ {sub.code} chờ đồng chí xử lý ở bước Tiếp nhận hồ sơ",
        f"Hồ sơ {sub.code} chờ đồng chí xử lý ở bước Thẩm định chuyên môn",
    ]
    assert "ở bước Lấy ý kiến cơ quan liên quan" in by_template["consultation_requested"].body
    assert "của Sở Tài nguyên và Môi trường" in by_template["dossier_submitted"].body
    for notice in notices:
        words = f"{notice.subject} {notice.body}".replace(sub.code, "")
        assert not any(code in words for code in ("so-tnmt", "reception", "specialist", "consult"))
