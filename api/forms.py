"""A dossier's forms for those who may read it: the list, one form as PDF, and the control sheet
(form 05) drawn on request; each PDF with its SHA-256 in `Repr-Digest` (RFC 9530)."""

from __future__ import annotations

import base64
import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path
from fastapi.responses import Response

from api.dependencies import CallerDep, ClientDep, ServicesDep
from api.dossiers import Code
from api.responses import PROBLEMS, SIGNED
from operations import forms
from operations.forms import FormEntry, FormFile

router = APIRouter(prefix="/api/v1/dossiers", tags=["forms"])
PDF = "application/pdf"
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the form as PDF; its SHA-256 in `Repr-Digest`",
        "content": {PDF: {"schema": {"type": "string", "format": "binary"}}},
        "headers": {
            "Repr-Digest": {
                "description": "sha-256=:<base64 of the SHA-256>: (RFC 9530)",
                "schema": {"type": "string"},
            }
        },
    },
    **PROBLEMS(*SIGNED),
}
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="the form's SHA-256")]


def _attachment(file_name: str) -> str:
    """`attachment` with the name in ASCII (others replaced by `_`) and in full (RFC 6266)."""
    plain = re.sub(r"[^A-Za-z0-9._ -]", "_", file_name) or "file"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(file_name)}"


def file_response(found: FormFile, media_type: str = PDF) -> Response:
    """A stored file as an attachment: its SHA-256 in `Repr-Digest` and `ETag`, never cached,
    never sniffed, its file name RFC 5987-encoded (an applicant's name is not a header value)."""
    digest = base64.b64encode(bytes.fromhex(found.sha256)).decode()
    return Response(
        found.content,
        media_type=media_type,
        headers={
            "Repr-Digest": f"sha-256=:{digest}:",
            "ETag": f'"{found.sha256}"',
            "Content-Disposition": _attachment(found.file_name),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/{code}/forms", response_model=list[FormEntry], responses=PROBLEMS(*SIGNED))
async def list_forms(
    code: Code, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> list[FormEntry]:
    """The forms issued to the dossier, oldest first."""
    return await forms.dossier_forms(client, caller, services, code)


@router.get("/{code}/forms/control-sheet", response_class=Response, responses=PDF_RESPONSE)
async def get_control_sheet(
    code: Code, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> Response:
    """The control sheet (form 05): every hand-over of the dossier with its time, drawn now."""
    return file_response(await forms.control_sheet(client, caller, services, code))


@router.get("/{code}/forms/{sha256}", response_class=Response, responses=PDF_RESPONSE)
async def get_form(
    code: Code, sha256: Sha256, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> Response:
    """One form of the dossier, by its SHA-256 (as the list names it)."""
    return file_response(await forms.form_file(client, caller, services, code, sha256))
