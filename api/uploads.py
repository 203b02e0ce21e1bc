"""What the multipart endpoints share: the form read through the check of its signed
Content-Digest, and an uploaded file's content in chunks (never whole in memory)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from api.authentication import DigestCheck
from models.dossier import MAX_DOCUMENTS

CHUNK = 1024 * 1024
MAX_JSON_PART = 256 * 1024


async def signed_form(request: Request) -> FormData:
    """The multipart form; reading it fails when the body differs from its signed digest."""
    digest = DigestCheck(request)
    return await Request(request.scope, digest.receive).form(
        max_files=MAX_DOCUMENTS, max_fields=MAX_DOCUMENTS + 1, max_part_size=MAX_JSON_PART
    )


async def json_part(form: FormData, name: str) -> str | None:
    """A text part of the form (sent as a field or as a file), None when it is absent."""
    raw = form.get(name)
    if isinstance(raw, UploadFile):
        return (await raw.read(MAX_JSON_PART + 1)).decode("utf-8", "replace")
    return raw


async def chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK):
        yield chunk


def uploaded_files(form: FormData, *skipped: str) -> list[UploadFile]:
    """The form's files, but for the parts named in `skipped` (its JSON parts)."""
    return [
        value
        for name, value in form.multi_items()
        if isinstance(value, UploadFile) and name not in skipped
    ]
