"""What the multipart endpoints share: the form read through the check of its signed
Content-Digest, and an uploaded file's content in chunks (never whole in memory)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeVar

from fastapi import Request
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import FormData, UploadFile

from api.authentication import DigestCheck
from api.problems import InvalidPart, field_problems
from models.dossier import MAX_DOCUMENTS

T = TypeVar("T")

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


async def validated_part(form: FormData, name: str, adapter: TypeAdapter[T], what: str) -> T:
    """The JSON part `name` validated; InvalidPart naming each bad field under `/name/…`."""
    raw = await json_part(form, name)
    if raw is None:
        raise InvalidPart("invalid-dossier", f"the `{name}` part (JSON) is missing")
    try:
        return adapter.validate_json(raw)
    except ValidationError as exc:
        located: list[Any] = [{**e, "loc": ("body", name, *e["loc"])} for e in exc.errors()]
        raise InvalidPart(
            "invalid-request", f"{what} have invalid fields", field_problems(located)
        ) from None


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
