"""Submitting a dossier: multipart, the dossier as JSON (`dossier`) and its documents as files."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter

from api.dependencies import ClientDep, ServicesDep, SubmitterDep
from api.responses import PROBLEMS
from api.uploads import chunks, signed_form, uploaded_files, validated_part
from operations import submission
from operations.uploads import UploadFolder
from support.intake import DossierFile

DOSSIER = TypeAdapter(DossierFile)
router = APIRouter(prefix="/api/v1/dossiers", tags=["submission"])

BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["dossier"],
                    "properties": {
                        "dossier": {
                            "type": "string",
                            "description": "the dossier as JSON: procedure, applicant, delivery,"
                            " reference, documents [{kind, path}] where path is the file name"
                            " of an uploaded file",
                        },
                        "documents": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "the documents, each with its file name",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "",
    status_code=201,
    response_model=submission.SubmissionReceipt,
    responses={
        200: {"model": submission.SubmissionReceipt, "description": "submitted before"},
        **PROBLEMS(400, 401, 429, 403, 409, 413, 415, 422),
    },
    openapi_extra=BODY,
)
async def submit(
    request: Request,
    caller: SubmitterDep,
    services: ServicesDep,
    client: ClientDep,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> JSONResponse:
    """Submit a dossier for an applicant (a reception officer or the agency's portal account).
    The same reference (the dossier's or the Idempotency-Key) again answers the same dossier."""
    form = await signed_form(request)
    try:
        dossier = await validated_part(form, "dossier", DOSSIER, "the dossier")
        with UploadFolder(services.store, services.settings.max_document_bytes) as uploads:
            for upload in uploaded_files(form, "dossier"):
                await uploads.add(upload.filename, chunks(upload))
            receipt = await submission.submit(
                services,
                client,
                dossier,
                uploads,
                receiver=caller.officer,
                idempotency_key=idempotency_key,
            )
    finally:
        await form.close()
    return JSONResponse(
        receipt.model_dump(mode="json"),
        status_code=200 if receipt.duplicate else 201,
        headers={"Location": f"/api/v1/dossiers/{receipt.code}"},
    )
