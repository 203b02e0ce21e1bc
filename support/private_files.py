"""Files that hold personal data: readable by their owner only, never written through a symlink.

The data folder holds the projection (names, id numbers, phones, addresses, comments), the
documents and the Temporal server's file; forms and registers written with `--out` hold the same.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

OWNER_ONLY_UMASK = 0o077


class PrivateFileError(OSError):
    """A file hoso will not write: a symbolic link, or a path it cannot open."""


def restrict_new_files() -> None:
    """Everything this process creates from now on (the database, its WAL, documents, forms, the
    embedded server's file through its child process) is its owner's only."""
    os.umask(OWNER_ONLY_UMASK)


def private_folder(path: Path) -> Path:
    """`path` created if absent, and kept to its owner (0700) even if an older hoso made it
    readable by others."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(PermissionError):  # a folder the operator owns and set up
        path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Writes `data` to `path` for its owner only (0600). A symbolic link there is refused, not
    followed: it could send personal data anywhere the link points."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PrivateFileError(
                f"{path} is a symbolic link: hoso writes personal data only to a plain file"
            ) from None
        raise PrivateFileError(f"cannot write {path}: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(fd, 0o600)
        handle.write(data)
