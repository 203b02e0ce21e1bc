"""A dossier's documents (what the applicant submitted and supplemented, what officers added to
their actions), for those who may read the dossier, each at its level of confidentiality (the
procedure's, or its document's): a confidential one is listed to every reader but read only by
the officers who hold or held the dossier's stages and the leaders of its agency.

A document is read from the document store by the hash the dossier's state names, and its bytes
are checked against that hash before they leave: a changed file is refused, never served.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from pydantic import BaseModel, Field
from temporalio.client import Client

from models.procedure import Confidentiality, Procedure
from models.state import DossierState
from operations.access import Caller, may_read_confidential
from operations.dossiers import readable_state
from operations.errors import Forbidden, NotFound
from operations.forms import FormFile, read_checked
from operations.services import Services
from support.catalogue import procedure_versions


class DocumentEntry(BaseModel):
    """A document of the dossier, and whether the caller may read it."""

    kind: str
    name: str = Field(description="the procedure's name for this kind of document")
    file_name: str
    sha256: str
    size: int
    format: str
    confidentiality: Confidentiality
    readable: bool = Field(description="the caller may download it")


@dataclass(frozen=True)
class DocumentFile(FormFile):
    """A document's bytes, its file name, its SHA-256, and its media type."""

    media_type: str = "application/octet-stream"


def _procedure(services: Services, state: DossierState) -> Procedure:
    with services.sessions() as session:
        versions = procedure_versions(session, state.procedure_code)
    found = next((p for p in versions if p.version == state.procedure_version), versions[-1])
    return found


def document_entries(
    state: DossierState, procedure: Procedure, caller: Caller
) -> list[DocumentEntry]:
    names = {spec.kind: spec.name for spec in procedure.documents}
    confidential = may_read_confidential(caller, state)
    entries = []
    for document in state.documents:
        level = procedure.confidentiality_of(document.kind)
        entries.append(
            DocumentEntry(
                **document.model_dump(),
                name=names.get(document.kind, document.kind),
                confidentiality=level,
                readable=level is not Confidentiality.confidential or confidential,
            )
        )
    return entries


async def dossier_documents(
    client: Client, caller: Caller, services: Services, code: str
) -> list[DocumentEntry]:
    state = await readable_state(client, caller, services.settings, code)
    return document_entries(state, _procedure(services, state), caller)


async def document_file(
    client: Client, caller: Caller, services: Services, code: str, sha256: str
) -> DocumentFile:
    """One of the dossier's documents by its hash. NotFound when the
    dossier has no such document (whatever else the store holds); Forbidden when it is
    confidential and the caller neither holds nor held the dossier's stages nor leads its agency."""
    state = await readable_state(client, caller, services.settings, code)
    entries = document_entries(state, _procedure(services, state), caller)
    entry = next((e for e in entries if e.sha256 == sha256), None)
    if entry is None:
        raise NotFound(f"dossier {code} has no document {sha256[:12]}…")
    if not entry.readable:
        raise Forbidden(
            f"{entry.file_name} is confidential: only the officers who hold or held the"
            " dossier's stages and the leaders of its agency read it"
        )
    content = read_checked(services, sha256, entry.file_name)
    media_type = mimetypes.guess_type(f"document.{entry.format}")[0]
    return DocumentFile(entry.file_name, content, sha256, media_type or "application/octet-stream")
