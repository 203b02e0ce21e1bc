"""A dossier's documents for those who may read it: the list (with each one's confidentiality
and whether the caller may read it) and one document's bytes, its SHA-256 in `Repr-Digest`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response

from api.dependencies import CallerDep, ClientDep, ServicesDep
from api.dossiers import Code
from api.forms import file_response
from api.responses import PROBLEMS, SIGNED
from operations import documents
from operations.documents import DocumentEntry

router = APIRouter(prefix="/api/v1/dossiers", tags=["documents"])
DOCUMENT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the document as it was submitted; its SHA-256 in `Repr-Digest`",
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        "headers": {
            "Repr-Digest": {
                "description": "sha-256=:<base64 of the SHA-256>: (RFC 9530)",
                "schema": {"type": "string"},
            }
        },
    },
    **PROBLEMS(*SIGNED, 403),
}
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="the document's SHA-256")]


@router.get("/{code}/documents", response_model=list[DocumentEntry], responses=PROBLEMS(*SIGNED))
async def list_documents(
    code: Code, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> list[DocumentEntry]:
    """The dossier's documents, each with its level and whether the caller may read it."""
    return await documents.dossier_documents(client, caller, services, code)


@router.get("/{code}/documents/{sha256}", response_class=Response, responses=DOCUMENT_RESPONSE)
async def get_document(
    code: Code, sha256: Sha256, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> Response:
    """One document of the dossier by its SHA-256 (403 when it is confidential to the caller)."""
    found = await documents.document_file(client, caller, services, code, sha256)
    return file_response(found, found.media_type)
