"""The agencies' seals (con dấu): Ed25519 key pairs in the keys folder (default <data_dir>/keys),
the private key (0600) for workers, the public one for `hoso verify`.

An agency's first key is `seal-<agency>.key/.pub` (key id `<agency>`); each rotation adds the next,
`seal-<agency>.<n>.key/.pub` (key id `<agency>.<n>`). Workers seal with the newest key that is not
revoked, looked up at every form, so a key copied into their folder is used without a restart.
Old public keys stay: they verify the forms sealed before. A key revoked since a moment
(`seal-<key>.revoked`, holding that moment) seals nothing more, and a form it sealed from that
moment on does not verify.

In development a missing key is created on first use (atomically: the first process wins);
elsewhere it is refused, so a form is never issued unsealed: the activity keeps failing, visibly,
until an operator installs the key (`hoso seal-key`) and the retry goes through.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from activities.keys import (
    KeyFileError,
    create_key_pair,
    load_private_key,
    load_public_keys,
)
from config import Settings
from models.credentials import b64, unb64
from models.record import FormSeal, seal_message

PREFIX = "seal"
AGENCY = re.compile(r"^[a-z0-9-]{1,40}$")
KEY_ID = re.compile(r"^(?P<agency>[a-z0-9-]{1,40})(?:\.(?P<n>[1-9][0-9]{0,5}))?$")
MAX_GENERATION = 999_999


class SealError(RuntimeError):
    """A seal key that is missing (outside development), revoked, unreadable or not Ed25519."""


def key_id(agency: str, generation: int) -> str:
    """The id of the agency's `generation`-th key: `<agency>`, then `<agency>.<n>`."""
    return agency if generation == 1 else f"{agency}.{generation}"


def parse_key_id(key: str) -> tuple[str, int] | None:
    """(agency, generation) of a key id; None when `key` is not one."""
    found = KEY_ID.fullmatch(key)
    if found is None:
        return None
    return found["agency"], int(found["n"] or 1)


def generations(folder: Path, agency: str, suffix: str = ".key") -> list[int]:
    """The generations of the agency's keys present in `folder` (private keys by default),
    oldest first."""
    found = []
    for path in folder.glob(f"{PREFIX}-{agency}*{suffix}") if folder.is_dir() else []:
        parsed = parse_key_id(path.name.removeprefix(f"{PREFIX}-").removesuffix(suffix))
        if parsed is not None and parsed[0] == agency:  # not seal-<agency>-x, another agency
            found.append(parsed[1])
    return sorted(found)


def revocations(folder: Path) -> dict[str, datetime]:
    """{key id: the moment from which its seals are refused} from `seal-<key>.revoked` files."""
    revoked: dict[str, datetime] = {}
    for path in sorted(folder.glob(f"{PREFIX}-*.revoked")) if folder.is_dir() else []:
        key = path.name.removeprefix(f"{PREFIX}-").removesuffix(".revoked")
        try:
            since = datetime.fromisoformat(path.read_text(encoding="utf-8").strip())
        except (OSError, ValueError) as exc:
            raise SealError(f"{path} must hold one ISO date and time (the revocation)") from exc
        if parse_key_id(key) is None or since.tzinfo is None:
            raise SealError(f"{path} must be seal-<key id>.revoked holding a time with its zone")
        revoked[key] = since.astimezone(UTC)
    return revoked


def revoke_seal_key(folder: Path, key: str, since: datetime) -> Path:
    """Marks the key revoked from `since` on (its public key stays, for the forms before)."""
    if parse_key_id(key) is None or not (folder / f"{PREFIX}-{key}.pub").exists():
        raise SealError(f"no seal key {key[:60]!r} in {folder}")
    path = folder / f"{PREFIX}-{key}.revoked"
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(since.astimezone(UTC).isoformat() + "\n", encoding="utf-8")
    staging.replace(path)
    return path


class AgencySeals:
    """The private seal keys of a worker: the newest usable key of each agency, loaded once."""

    def __init__(self, folder: Path, *, create_missing: bool) -> None:
        self._folder = folder
        self._create = create_missing
        self._keys: dict[str, Ed25519PrivateKey] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> AgencySeals:
        return cls(settings.resolved_keys_dir, create_missing=settings.environment == "development")

    def sign(self, agency: str, message: bytes) -> tuple[str, str]:
        """(key id, the agency's signature over `message`) with its newest key. Ed25519 is
        deterministic: a retry with the same key gives the same seal."""
        if not AGENCY.fullmatch(agency):
            raise SealError(f"not an agency id: {agency[:60]!r}")
        with self._lock:
            key = self._current(agency)
            if key not in self._keys:
                self._keys[key] = self._load(key)
            return key, b64(self._keys[key].sign(message))

    def _current(self, agency: str) -> str:
        present = generations(self._folder, agency)
        if not present:
            if not self._create:
                raise SealError(
                    f"no seal key for agency {agency} ({self._folder / f'{PREFIX}-{agency}.key'}):"
                    " install the agency's seal key (refusing to create one outside development)"
                )
            create_key_pair(self._folder, f"{PREFIX}-{agency}")
            return agency
        newest = key_id(agency, present[-1])
        if newest in revocations(self._folder):
            raise SealError(
                f"the newest seal key of {agency}, {newest}, is revoked: make a new one"
                f" (`hoso seal-key {agency} --rotate`) and install it"
            )
        return newest

    def _load(self, key: str) -> Ed25519PrivateKey:
        try:
            return load_private_key(self._folder / f"{PREFIX}-{key}.key")
        except KeyFileError as exc:
            raise SealError(str(exc)) from exc


def create_seal_key(folder: Path, agency: str, *, rotate: bool = False) -> str:
    """The agency's first seal key pair in `folder`, or with `rotate` its next one; returns the
    new key's id (`seal-<id>.pub` is the file `hoso verify` needs)."""
    if not AGENCY.fullmatch(agency):
        raise SealError(f"not an agency id: {agency[:60]!r}")
    present = generations(folder, agency) + generations(folder, agency, ".pub")
    if present and not rotate:
        raise SealError(
            f"{agency} has a seal key already ({key_id(agency, max(present))}): a seal key is"
            f" never replaced (forms sealed with it would no longer verify); `--rotate` adds the"
            f" next one"
        )
    if rotate and not present:
        raise SealError(f"{agency} has no seal key to rotate: make its first one without --rotate")
    generation = max(present, default=0) + 1
    if generation > MAX_GENERATION:
        raise SealError(f"{agency} has used every key number")
    new = key_id(agency, generation)
    create_key_pair(folder, f"{PREFIX}-{new}")
    return new


@dataclass(frozen=True)
class SealKeys:
    """What `verify` needs: the public seal keys {key id: raw key} and their revocations."""

    public: dict[str, str] = field(default_factory=dict)
    revoked: dict[str, datetime] = field(default_factory=dict)
    intake: dict[str, str] | None = None  # intake's public keys (None: starts not checked)
    issuers: dict[str, str] = field(default_factory=dict)  # who certifies publishers


def public_seals(settings: Settings) -> SealKeys:
    """The `seal-*.pub` and `seal-*.revoked` files of the keys folder."""
    folder = settings.resolved_keys_dir
    try:
        return SealKeys(
            load_public_keys(folder, PREFIX),
            revocations(folder),
            intake=load_public_keys(folder, "intake"),
            issuers=load_public_keys(folder, "issuer"),
        )
    except KeyFileError as exc:
        raise SealError(str(exc)) from exc


def seal_problem(
    keys: SealKeys,
    *,
    agency: str,
    dossier: str,
    kind: str,
    sha256: str,
    issued_at: str,
    seal: FormSeal | None,
) -> str | None:
    """Why a form's seal does not hold (None when it does): missing, another agency's key, an
    unknown key, a signature that does not verify, or a key revoked before the form was issued."""
    if seal is None:
        return "is not sealed"
    parsed = parse_key_id(seal.key)
    if parsed is None or parsed[0] != agency:
        return f"is sealed with the key of {seal.key}, not of the agency {agency}"
    public = keys.public.get(seal.key)
    if public is None:
        return f"cannot be checked: no public seal key seal-{seal.key}.pub"
    message = seal_message(
        dossier=dossier, kind=kind, sha256=sha256, issued_at=issued_at, head=seal.head
    )
    try:
        Ed25519PublicKey.from_public_bytes(unb64(public)).verify(unb64(seal.signature), message)
    except (InvalidSignature, ValueError):
        return "seal does not verify — forged or altered"
    revoked = keys.revoked.get(seal.key)
    if revoked is not None and _moment(issued_at) >= revoked:
        return f"is sealed with the key {seal.key}, revoked since {revoked:%Y-%m-%d %H:%M} UTC"
    return None


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
