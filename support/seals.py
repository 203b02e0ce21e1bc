"""The agencies' seals (con dấu): an Ed25519 key pair per agency, `seal-<agency>.key` (0600) and
`seal-<agency>.pub` in the keys folder (default <data_dir>/keys).

Workers hold the private keys and seal every form they issue; `hoso verify` needs only the public
ones. In development a missing key is created on first use (atomically: the first process wins);
elsewhere it is refused, so a form is never issued unsealed: the activity keeps failing, visibly,
until an operator installs the key (`create_seal_key`) and the retry goes through.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from activities.keys import (
    KeyFileError,
    b64,
    create_key_pair,
    load_private_key,
    load_public_keys,
    unb64,
)
from config import Settings
from models.record import FormSeal, seal_message

PREFIX = "seal"
AGENCY = re.compile(r"^[a-z0-9-]{1,40}$")


class SealError(RuntimeError):
    """A seal key that is missing (outside development), unreadable or not an Ed25519 key."""


class AgencySeals:
    """The private seal keys of a worker, loaded once per agency."""

    def __init__(self, folder: Path, *, create_missing: bool) -> None:
        self._folder = folder
        self._create = create_missing
        self._keys: dict[str, Ed25519PrivateKey] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> AgencySeals:
        return cls(settings.resolved_keys_dir, create_missing=settings.environment == "development")

    def sign(self, agency: str, message: bytes) -> str:
        """The agency's signature over `message` (Ed25519 is deterministic: a retry gives the
        same seal)."""
        return b64(self._key(agency).sign(message))

    def _key(self, agency: str) -> Ed25519PrivateKey:
        if not AGENCY.fullmatch(agency):
            raise SealError(f"not an agency id: {agency[:60]!r}")
        with self._lock:
            if agency not in self._keys:
                self._keys[agency] = self._load(agency)
            return self._keys[agency]

    def _load(self, agency: str) -> Ed25519PrivateKey:
        path = self._folder / f"{PREFIX}-{agency}.key"
        if not path.exists():
            if not self._create:
                raise SealError(
                    f"no seal key for agency {agency} ({path}): install the agency's seal key"
                    " (refusing to create one outside development)"
                )
            return create_key_pair(self._folder, f"{PREFIX}-{agency}")
        try:
            return load_private_key(path)
        except KeyFileError as exc:
            raise SealError(str(exc)) from exc


def create_seal_key(folder: Path, agency: str) -> Path:
    """A new seal key pair for `agency` in `folder` (an existing one is kept); returns the public
    key's path, the file `hoso verify` needs."""
    if not AGENCY.fullmatch(agency):
        raise SealError(f"not an agency id: {agency[:60]!r}")
    create_key_pair(folder, f"{PREFIX}-{agency}")
    return folder / f"{PREFIX}-{agency}.pub"


def public_seals(settings: Settings) -> dict[str, str]:
    """{agency: raw public key} of the `seal-*.pub` files: all `verify` needs."""
    try:
        return load_public_keys(settings.resolved_keys_dir, PREFIX)
    except KeyFileError as exc:
        raise SealError(str(exc)) from exc


def seal_problem(
    keys: dict[str, str],
    *,
    agency: str,
    dossier: str,
    kind: str,
    sha256: str,
    issued_at: str,
    seal: FormSeal | None,
) -> str | None:
    """Why a form's seal does not hold (None when it does): missing, another agency's key, an
    unknown key, or a signature that does not verify."""
    if seal is None:
        return "is not sealed"
    if seal.key != agency:
        return f"is sealed with the key of {seal.key}, not of the agency {agency}"
    public = keys.get(seal.key)
    if public is None:
        return f"cannot be checked: no public seal key seal-{seal.key}.pub"
    message = seal_message(
        dossier=dossier, kind=kind, sha256=sha256, issued_at=issued_at, head=seal.head
    )
    try:
        Ed25519PublicKey.from_public_bytes(unb64(public)).verify(unb64(seal.signature), message)
    except (InvalidSignature, ValueError):
        return "seal does not verify — forged or altered"
    return None
