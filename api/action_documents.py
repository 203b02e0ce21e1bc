"""Officers' documents for an action or a supplement: uploaded (multipart, streamed with its
signed Content-Digest, as a submission is), checked, stored by hash; the answer is their
references, which the action the officer signs next names."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter

from api.dependencies import ClientDep, ServicesDep, SubmitterDep
from api.dossiers import Code
from api.problems import problem
from api.responses import PROBLEMS, SIGNED
from api.uploads import chunks, signed_form, uploaded_files, validated_part
from models.dossier import MAX_DOCUMENTS, DocumentRef
from operations.access import Caller
from operations.action_documents import store_documents
from operations.uploads import UploadFolder
from support.intake import DocumentEntry

router = APIRouter(prefix="/api/v1/dossiers", tags=["dossiers"])
_entries: TypeAdapter[list[DocumentEntry]] = TypeAdapter(list[DocumentEntry])

BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["kinds", "documents"],
                    "properties": {
                        "kinds": {
                            "type": "string",
                            "description": "the documents as JSON: [{kind, path}], path the file"
                            " name of an uploaded file",
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
RESPONSES = {
    201: {"model": list[DocumentRef], "description": "stored: name them in the signed action"},
    **PROBLEMS(*SIGNED, 409, 413, 415),
}


async def _upload(
    request: Request,
    caller: Caller,
    services: ServicesDep,
    client: ClientDep,
    code: str,
    *,
    supplement: bool,
) -> JSONResponse:
    form = await signed_form(request)
    try:
        entries = await validated_part(form, "kinds", _entries, "the documents")
        if len(entries) > MAX_DOCUMENTS:
            return problem(422, "invalid-dossier", f"more than {MAX_DOCUMENTS} documents")
        with UploadFolder(services.store, services.settings.max_document_bytes) as uploads:
            for upload in uploaded_files(form, "kinds"):
                await uploads.add(upload.filename, chunks(upload))
            refs = await store_documents(
                services, client, caller, code, uploads, entries, supplement=supplement
            )
    finally:
        await form.close()
    return JSONResponse([ref.model_dump(mode="json") for ref in refs], status_code=201)


@router.post("/{code}/actions/documents", status_code=201, responses=RESPONSES, openapi_extra=BODY)
async def upload_action_documents(
    code: Code, request: Request, caller: SubmitterDep, services: ServicesDep, client: ClientDep
) -> JSONResponse:
    """Documents for an officer's action (any kind, a format hoso checks), for officers who may
    see the dossier."""
    return await _upload(request, caller, services, client, code, supplement=False)


@router.post(
    "/{code}/supplement/documents", status_code=201, responses=RESPONSES, openapi_extra=BODY
)
async def upload_supplement_documents(
    code: Code, request: Request, caller: SubmitterDep, services: ServicesDep, client: ClientDep
) -> JSONResponse:
    """The applicant's supplement documents (kinds and formats of the dossier's procedure), for
    the officer who receives them."""
    return await _upload(request, caller, services, client, code, supplement=True)
