"""Documents stored once, addressed by their SHA-256; only references travel in payloads."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


class DocumentNotFound(LookupError):
    pass


class DocumentStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        if not SHA256.fullmatch(sha):
            raise ValueError(f"not a SHA-256 document reference: {sha[:80]!r}")
        return self.root / sha[:2] / sha[2:4] / sha

    def exists(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        if not self.exists(sha):
            self._write(sha, [data])
        return sha

    def put_file(self, source: Path) -> tuple[str, int]:
        """Streams a file into the store; returns its hash and size."""
        digest, size = hashlib.sha256(), 0
        with open(source, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        sha = digest.hexdigest()
        if not self.exists(sha):
            with open(source, "rb") as handle:
                self._write(sha, iter(lambda: handle.read(CHUNK), b""))
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

    def _write(self, sha: str, chunks) -> None:  # type: ignore[no-untyped-def]
        target = self.path(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
