"""Documents stored once, addressed by their SHA-256; only references travel in payloads."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


class DocumentNotFound(LookupError):
    """No document with that hash in the store."""


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
        digest, size = hashlib.sha256(), 0
        temporary = self._incoming()
        try:
            with open(source, "rb") as reader, open(temporary, "wb") as writer:
                while chunk := reader.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    writer.write(chunk)
                _sync(writer)
            sha = digest.hexdigest()
            if not self.exists(sha):
                self._settle(temporary, sha)
        finally:
            temporary.unlink(missing_ok=True)
        return sha, size

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
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder)
        os.close(fd)
        return Path(name)

    def _settle(self, temporary: Path, sha: str) -> None:
        target = self.path(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temporary, target)


def _sync(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
