"""Documents stored once, addressed by their SHA-256; only references travel in payloads."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


class DocumentNotFound(LookupError):
    """No document with that hash in the store."""


@dataclass(frozen=True)
class Staged:
    """A copy inside the store, hashed, not yet at its address."""

    path: Path
    sha256: str
    size: int


class DocumentStore:
    """Files under `root/ab/cd/<sha256>`; written atomically, never overwritten with other bytes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        """Where a document lives; anything but 64 lowercase hex digits is refused (traversal)."""
        if not SHA256.fullmatch(sha):
            raise ValueError(f"not a SHA-256 document reference: {sha[:80]!r}")
        return self.root / sha[:2] / sha[2:4] / sha

    def exists(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def put(self, data: bytes) -> str:
        """Stores `data` once; returns its SHA-256 (a repeat writes nothing)."""
        sha = hashlib.sha256(data).hexdigest()
        if not self.exists(sha):
            temporary = self._incoming()
            try:
                with open(temporary, "wb") as handle:
                    handle.write(data)
                    _sync(handle)
                self._settle(temporary, sha)
            finally:
                temporary.unlink(missing_ok=True)
        return sha

    def put_file(self, source: Path) -> tuple[str, int]:
        """Streams a file into the store in one pass; returns its hash and size.

        The bytes are hashed as they are copied, so the address always matches what was stored
        even if the source changes meanwhile.
        """
        staged = self.stage_file(source)
        return self.settle(staged), staged.size

    def stage_file(self, source: Path, limit: int | None = None) -> Staged:
        """Copies a file into the store's incoming folder, hashing it on the way, without
        giving it its address yet: what is checked then is what will be stored (`settle`), or
        nothing is (`discard`). Stops after `limit` + 1 bytes: a file over the limit is never
        copied whole."""
        digest, size = hashlib.sha256(), 0
        temporary = self._incoming()
        try:
            with open(source, "rb") as reader, open(temporary, "wb") as writer:
                while chunk := reader.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    writer.write(chunk)
                    if limit is not None and size > limit:
                        break
                _sync(writer)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return Staged(temporary, digest.hexdigest(), size)

    def settle(self, staged: Staged) -> str:
        """Gives a staged copy its address (a copy of stored bytes is dropped); returns it."""
        try:
            if not self.exists(staged.sha256):
                self._settle(staged.path, staged.sha256)
        finally:
            staged.path.unlink(missing_ok=True)
        return staged.sha256

    @staticmethod
    def discard(staged: Staged) -> None:
        staged.path.unlink(missing_ok=True)

    def staging_folder(self) -> Path:
        """A new folder (its owner's only) in the store's incoming area, for files written
        straight into the store as they arrive (uploads), hashed on the way, and given their
        address by `settle` (a rename on the same filesystem) or removed with the folder."""
        parent = self.root / ".incoming"
        self._folders(parent)
        return Path(tempfile.mkdtemp(dir=parent))

    def read(self, sha: str) -> bytes:
        path = self.path(sha)
        if not path.is_file():
            raise DocumentNotFound(f"no document {sha} in the store")
        return path.read_bytes()

    def verify(self, sha: str) -> bool:
        """True when the stored bytes still hash to their address."""
        path = self.path(sha)
        if not path.is_file():
            return False
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest() == sha

    def _incoming(self) -> Path:
        """A new temporary file inside the store (same filesystem, so the rename is atomic)."""
        folder = self.root / ".incoming"
        self._folders(folder)
        fd, name = tempfile.mkstemp(dir=folder)
        os.close(fd)
        return Path(name)

    def _settle(self, temporary: Path, sha: str) -> None:
        target = self.path(sha)
        self._folders(target.parent.parent, target.parent)
        os.replace(temporary, target)

    def _folders(self, *folders: Path) -> None:
        """The store's root and `folders` in it, created for their owner only (documents hold
        personal data); mkdir's mode applies to the last folder only, so each is made in turn."""
        for folder in (self.root, *folders):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)


def _sync(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
