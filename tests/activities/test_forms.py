"""Forms the law names, issued once as documents of the dossier, in Vietnamese, never as markup
an applicant wrote.

What a form says is checked on its HTML (`render_form`); what the activity stores is checked as
bytes, whatever the format the form is stored in (HTML or PDF from it)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from activities.database import SessionFactory
from activities.document_store import DocumentStore
from activities.forms import FormActivities, render_form
from activities.storage import ProjectionActivities
from models.effects import FormKind, FormRequest
from models.tables import DocumentRecord
from tests.activities.conftest import APPLICANT, CODE, projection

ISSUED_AT = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)  # 09:30 in Hà Nội


def request(kind: FormKind = "receipt", **context: str) -> FormRequest:
    return FormRequest(
        key=f"{CODE}:5:{kind}",
        dossier_code=CODE,
        kind=kind,
        issued_at=ISSUED_AT,
        context={
            "applicant_name": APPLICANT.name,
            "procedure_name": "Thẩm định báo cáo đánh giá tác động môi trường",
            "procedure_code": "1.010733",
            "agency": "so-tnmt",
            **context,
        },
    )


def page(form: FormRequest) -> str:
    return render_form(form).decode("utf-8")


def form_rows(sessions: SessionFactory) -> list[DocumentRecord]:
    with sessions() as session:
        return list(
            session.exec(select(DocumentRecord).where(DocumentRecord.source == "form")).all()
        )


async def test_receipt_is_issued_once_with_its_due_date_in_vietnamese(
    sessions: SessionFactory, store: DocumentStore
) -> None:
    activities = FormActivities(sessions, store)
    first = await activities.issue_form(request(due_date="2027-01-12"))
    again = await activities.issue_form(request(due_date="2027-01-12"))  # a retry

    assert first == again and first.kind == "receipt" and first.issued_at == ISSUED_AT
    assert store.verify(first.sha256)
    [row] = form_rows(sessions)
    assert (row.kind, row.sha256, row.size) == (
        "receipt",
        first.sha256,
        len(store.read(row.sha256)),
    )
    assert row.file_name == f"receipt.{row.format}"

    html = page(request(due_date="2027-01-12"))
    assert "Mẫu số 01" in html and "PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html
    assert f"Mã hồ sơ: <strong>{CODE}</strong>" in html
    assert "Ngày hẹn trả kết quả: <strong>12/01/2027</strong>" in html
    assert "Trần Thị Bích" in html and "09:30 ngày 28/11/2026" in html  # Hà Nội time


async def test_projection_after_the_form_keeps_one_document_row(
    sessions: SessionFactory, store: DocumentStore
) -> None:
    form = await FormActivities(sessions, store).issue_form(request(due_date="2027-01-12"))
    await ProjectionActivities(sessions).record_dossier(projection(forms=[form]))
    [row] = form_rows(sessions)
    assert row.size > 0  # the form's own row, with its real size


def test_applicant_text_cannot_inject_markup_into_a_form() -> None:
    html = page(
        request(
            "supplement_request",
            applicant_name="<script>alert('x')</script>",
            missing="Bản vẽ <img src=x onerror=alert(1)>",
        )
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_supplement_request_lists_everything_missing() -> None:
    html = page(
        request(
            "supplement_request",
            missing="Bản vẽ mặt bằng tỷ lệ 1/500\n\nDự án đầu tư bản ký số\n",
            reasons="Hồ sơ thiếu chữ ký số",
        )
    )
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in html and "Mẫu số 02" in html
    assert html.count("<li>") == 2
    assert "<li>Bản vẽ mặt bằng tỷ lệ 1/500</li>" in html
    assert "<li>Dự án đầu tư bản ký số</li>" in html
    assert "Ghi chú: Hồ sơ thiếu chữ ký số" in html


async def test_each_form_is_issued_with_its_legal_title(
    sessions: SessionFactory, store: DocumentStore
) -> None:
    titles: dict[FormKind, str] = {
        "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "apology": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "control_sheet": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "result": "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
    }
    pages = {}
    for kind, title in titles.items():
        form = request(kind, reasons="Chờ ý kiến Sở Xây dựng", new_due_date="2027-02-01")
        pages[kind] = page(form)
        assert title in pages[kind], kind
        await FormActivities(sessions, store).issue_form(form)
    assert "hẹn lại ngày trả kết quả: <strong>01/02/2027</strong>" in pages["apology"]
    assert "Lý do: Chờ ý kiến Sở Xây dựng" in pages["refusal"]
    assert "Kết quả: <strong>Chấp thuận</strong>" in pages["result"]
    assert sorted(row.kind for row in form_rows(sessions)) == sorted(titles)


def test_context_cannot_overwrite_the_dossier_code_or_the_title() -> None:
    html = page(request("refusal", code="so-khac-261128-9999", title="Giấy phép", reasons="Không"))
    assert CODE in html and "so-khac-261128-9999" not in html and "Giấy phép" not in html
