"""Forms issued as documents of the dossier: receipt (01), supplement request (02), refusal (03),
apology (04), control sheet (05) and the result, rendered from templates and stored by hash."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

import jinja2
import structlog
from sqlmodel import select
from temporalio import activity

from activities.database import SessionFactory
from activities.document_store import DocumentStore
from activities.notify import vietnamese_date
from activities.pdf import render_pdf
from models.calendar import VIETNAM
from models.effects import FormRequest
from models.record import GENESIS, FormSeal, seal_message
from models.state import FormRef
from models.tables import DocumentRecord

log = structlog.get_logger()
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "forms"),
    autoescape=True,  # applicant-controlled text must never become markup
)
TEMPLATES.filters["vn_date"] = vietnamese_date
TITLES = {
    "receipt": ("01", "Phiếu tiếp nhận hồ sơ và hẹn trả kết quả"),
    "supplement_request": ("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "refusal": ("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    "apology": ("04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "control_sheet": ("05", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    "result": ("", "Kết quả giải quyết thủ tục hành chính"),
}


def render_form(request: FormRequest) -> bytes:
    """The form's HTML; the same request always gives the same bytes (so the same hash)."""
    number, title = TITLES[request.kind]
    template = TEMPLATES.get_template(f"{request.kind}.html")
    html = template.render(
        {
            **request.context,  # the form's own fields below win over a context key of that name
            "number": number,
            "title": title,
            "code": request.dossier_code,
            "issued_at": request.issued_at.astimezone(VIETNAM).strftime("%H:%M ngày %d/%m/%Y"),
            "missing": [
                m.strip() for m in request.context.get("missing", "").split("\n") if m.strip()
            ],
        }
    )
    return html.encode("utf-8")


FORM_FORMAT = "pdf"


def render_form_pdf(request: FormRequest) -> bytes:
    """The form as the PDF the applicant gets; the same request always gives the same bytes."""
    title = f"{TITLES[request.kind][1]} — {request.dossier_code}"
    html = render_form(request).decode("utf-8")
    return render_pdf(html, issued_at=request.issued_at, title=title)


class Sealer(Protocol):
    """The agencies' seal keys (support/seals.py, wired by the worker)."""

    def sign(self, agency: str, message: bytes) -> str: ...


class FormActivities:
    def __init__(
        self, session_factory: SessionFactory, store: DocumentStore, seals: Sealer | None = None
    ) -> None:
        self._sessions = session_factory
        self._store = store
        self._seals = seals

    @activity.defn
    async def issue_form(self, request: FormRequest) -> FormRef:
        """Renders, stores, seals and registers the form; a retry gives the same form and seal."""
        structlog.contextvars.bind_contextvars(dossier=request.dossier_code)
        data = await asyncio.to_thread(render_form_pdf, request)
        sha = await asyncio.to_thread(self._store.put, data)
        seal = await asyncio.to_thread(self._seal, request, sha)
        await asyncio.to_thread(self._register, request, sha, len(data), seal)
        log.info("form_issued", kind=request.kind, sha256=sha, sealed=seal is not None)
        return FormRef(kind=request.kind, sha256=sha, issued_at=request.issued_at, seal=seal)

    def _seal(self, request: FormRequest, sha: str) -> FormSeal | None:
        """The agency's seal over the form and the dossier's record so far."""
        if self._seals is None:
            return None
        agency = request.agency or request.context.get("agency", "")
        head = request.record_head or GENESIS
        message = seal_message(
            dossier=request.dossier_code,
            kind=request.kind,
            sha256=sha,
            issued_at=request.issued_at,
            head=head,
        )
        return FormSeal(key=agency, signature=self._seals.sign(agency, message), head=head)

    def _register(self, request: FormRequest, sha: str, size: int, seal: FormSeal | None) -> None:
        with self._sessions() as session:
            exists = session.exec(
                select(DocumentRecord.id).where(
                    DocumentRecord.dossier_code == request.dossier_code,
                    DocumentRecord.kind == request.kind,
                    DocumentRecord.sha256 == sha,
                )
            ).first()
            if exists is None:
                session.add(
                    DocumentRecord(
                        dossier_code=request.dossier_code,
                        kind=request.kind,
                        file_name=f"{request.kind}.{FORM_FORMAT}",
                        sha256=sha,
                        size=size,
                        format=FORM_FORMAT,
                        source="form",
                        added_at=request.issued_at,
                        seal=seal.model_dump(mode="json") if seal else None,
                    )
                )
                session.commit()
