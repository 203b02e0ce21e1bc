"""Documents uploaded with a submission, kept in a folder of their own inside the document store
until the dossier is submitted (then they are stored by their hash) or refused (then deleted)."""

from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType

from pydantic import TypeAdapter, ValidationError

from activities.document_store import DocumentStore
from models.dossier import Name
from operations.errors import TooLarge
from support.document_checks import path_problem
from support.errors import IntakeError, shown

_name: TypeAdapter[str] = TypeAdapter(Name)


class UploadFolder:
    """A request's uploads: each written as it arrives, size-limited, hashed on the way."""

    def __init__(self, store: DocumentStore, max_document_bytes: int) -> None:
        self.path = store.root / ".uploads" / uuid.uuid4().hex
        self.max_document_bytes = max_document_bytes
        self.hashes: dict[str, str] = {}

    def __enter__(self) -> UploadFolder:
        self.path.mkdir(parents=True, mode=0o700)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    async def add(self, file_name: str | None, chunks: AsyncIterator[bytes]) -> None:
        """Writes one uploaded file under its own name (a plain file name: no folder, no '..')."""
        name = self._checked_name(file_name or "")
        target = self.path / name
        digest, size = hashlib.sha256(), 0
        with open(target, "xb") as writer:
            async for chunk in chunks:
                size += len(chunk)
                if size > self.max_document_bytes:
                    raise TooLarge(
                        f"document '{shown(name, 200)}' is over the limit of"
                        f" {self.max_document_bytes} bytes"
                    )
                digest.update(chunk)
                writer.write(chunk)
        self.hashes[name] = digest.hexdigest()

    def _checked_name(self, raw: str) -> str:
        problem = path_problem(raw)
        if problem is None and "/" in raw:
            problem = f"'{shown(raw, 200)}' names a folder: give the file's own name"
        if problem is None and raw in (".", ".."):
            problem = f"'{raw}' is not a file name"
        if problem is None:
            try:
                _name.validate_python(raw)
            except ValidationError:
                problem = f"the file name '{shown(raw, 200)}' is over 200 characters"
        if problem is None and raw in self.hashes:
            problem = f"two uploaded files are named '{shown(raw, 200)}'"
        if problem is not None:
            raise IntakeError(f"uploaded file: {problem}")
        return raw

    @property
    def folder(self) -> Path:
        return self.path
