"""Documents uploaded with a submission or an action, written straight into the document store's
incoming area as they arrive (hashed on the way, synced), in a folder of the request's own: the
dossier's checks read them there, and keeping one is a rename to its address (`staged`), not a
second copy. Whatever is not kept goes with the folder when the request ends, however it ends."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from anyio import to_thread
from pydantic import TypeAdapter, ValidationError

from activities.document_store import DocumentStore, Staged
from models.dossier import Name
from operations.errors import TooLarge
from support.document_checks import path_problem
from support.errors import IntakeError, shown

_name: TypeAdapter[str] = TypeAdapter(Name)


class UploadFolder:
    """A request's uploads: each written as it arrives, size-limited, hashed on the way; the
    file work runs off the event loop (a worker thread), so other requests go on meanwhile."""

    def __init__(self, store: DocumentStore, max_document_bytes: int) -> None:
        self.store = store
        self.max_document_bytes = max_document_bytes
        self.hashes: dict[str, str] = {}
        self._staged: dict[str, Staged] = {}
        self._path: Path | None = None

    def __enter__(self) -> UploadFolder:
        self._path = self.store.staging_folder()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    async def add(self, file_name: str | None, chunks: AsyncIterator[bytes]) -> None:
        """Writes one uploaded file under its own name (a plain file name: no folder, no '..')."""
        name = self._checked_name(file_name or "")
        target = self.folder / name
        digest, size = hashlib.sha256(), 0
        writer = await to_thread.run_sync(open, target, "xb")
        try:
            async for chunk in chunks:
                size += len(chunk)
                if size > self.max_document_bytes:
                    raise TooLarge(
                        f"document '{shown(name, 200)}' is over the limit of"
                        f" {self.max_document_bytes} bytes"
                    )
                await to_thread.run_sync(_write, writer, digest, chunk)
            await to_thread.run_sync(_sync, writer)
        finally:
            writer.close()
        self.hashes[name] = digest.hexdigest()
        self._staged[name] = Staged(target, self.hashes[name], size)

    def staged(self) -> dict[Path, Staged]:
        """Each upload as a copy already in the store, by its path (as the checks resolve it):
        `support.intake.store_checked` settles these instead of copying them again."""
        return {staged.path.resolve(): staged for staged in self._staged.values()}

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
        if self._path is None:
            raise RuntimeError("an upload folder is used inside its `with` block")
        return self._path


def _write(writer: BinaryIO, digest: hashlib._Hash, chunk: bytes) -> None:
    digest.update(chunk)
    writer.write(chunk)


def _sync(writer: BinaryIO) -> None:
    writer.flush()
    os.fsync(writer.fileno())
