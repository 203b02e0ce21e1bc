"""Payload encryption: every Temporal payload is sealed with AES-256-GCM before it leaves a client.

The key id travels in the payload metadata, so keys rotate without losing old dossiers: decoding
picks the key by id. Outside development a payload that is not encrypted is refused: a client
without the key (a plain temporalio client on the frontend) cannot put data in clear into a dossier.
In development, recorded histories and older data pass through.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import secrets
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)
from temporalio.exceptions import FailureError

from config import Settings

ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
NONCE_BYTES = 12
DEV_KEY_ID = "dev"


class EncryptionError(RuntimeError):
    """A payload could not be encrypted or decrypted, or the keyring is unusable."""


class _Nonces:
    """Fresh 96-bit nonces from the OS's CSPRNG, drawn a few hundred at a time: one system call
    per payload would give up the GIL on the worker's event loop for each. Every nonce is handed
    out once and never reused: the buffer only moves forward, and a forked child (another pid)
    draws its own."""

    BATCH = 256

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buffer, self._at, self._pid = b"", 0, 0

    def next(self) -> bytes:
        with self._lock:
            if self._at + NONCE_BYTES > len(self._buffer) or self._pid != os.getpid():
                self._buffer, self._at = secrets.token_bytes(NONCE_BYTES * self.BATCH), 0
                self._pid = os.getpid()
            nonce = self._buffer[self._at : self._at + NONCE_BYTES]
            self._at += NONCE_BYTES
            return nonce


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over the serialized payload; the key id is authenticated as associated data."""

    def __init__(
        self, keys: Mapping[str, bytes], current_key_id: str, *, accept_plain: bool = False
    ) -> None:
        if current_key_id not in keys:
            raise EncryptionError(f"encryption key id {current_key_id!r} is not in the keyring")
        for key_id, key in keys.items():
            if len(key) != 32:
                raise EncryptionError(f"encryption key {key_id!r} must be 32 bytes (AES-256)")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.current_key_id = current_key_id
        self.accept_plain = accept_plain
        self._nonces = _Nonces()

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        key_id = self.current_key_id
        nonce = self._nonces.next()
        sealed = self._ciphers[key_id].encrypt(nonce, payload.SerializeToString(), key_id.encode())
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID_METADATA: key_id.encode()},
            data=nonce + sealed,
        )

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            if self.accept_plain:
                return payload
            raise EncryptionError(
                "payload not encrypted: refused outside development (a client without hoso's"
                " payload key sent it)"
            )
        key_id = payload.metadata.get(KEY_ID_METADATA, b"").decode()
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise EncryptionError(
                f"payload encrypted with unknown key id {key_id!r}; add it to HOSO_ENCRYPTION_KEYS"
            )
        data = payload.data
        try:
            plain = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], key_id.encode())
        except InvalidTag as exc:
            raise EncryptionError(
                f"payload encrypted with key {key_id!r} failed authentication"
                " (tampered or wrong key)"
            ) from exc
        return Payload.FromString(plain)


def parse_keyring(text: str) -> dict[str, bytes]:
    """Parses `id1:base64key,id2:base64key`."""
    keys: dict[str, bytes] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id.strip():
            raise EncryptionError("HOSO_ENCRYPTION_KEYS must look like id1:base64key,id2:base64key")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except ValueError as exc:
            raise EncryptionError(f"encryption key {key_id.strip()!r} is not valid base64") from exc
        keys[key_id.strip()] = key
    return keys


def dev_key(keys_dir: Path) -> bytes:
    """The development key `dev.key` of the keys folder (default <data_dir>/keys/), created
    (mode 0600) on first use."""
    path = keys_dir / f"{DEV_KEY_ID}.key"
    if path.exists():
        return base64.b64decode(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = AESGCM.generate_key(bit_length=256)
    staging = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    try:
        os.link(staging, path)  # atomic: the first process to create the key wins
    except FileExistsError:
        key = base64.b64decode(path.read_text().strip())
    finally:
        staging.unlink()
    return key


def codec_from_settings(settings: Settings, *, reading: bool = False) -> EncryptionCodec:
    """The keyring's codec. Plain payloads pass only in development, or with `reading` (the codec
    server shows an operator whatever a history holds, a forged plain start included)."""
    accept_plain = reading or settings.environment == "development"
    if settings.encryption_keys:
        keys = parse_keyring(settings.encryption_keys)
        if not keys:
            raise EncryptionError("HOSO_ENCRYPTION_KEYS is empty")
        current = settings.encryption_key_id or next(iter(keys))
        return EncryptionCodec(keys, current, accept_plain=accept_plain)
    if settings.environment != "development":
        raise EncryptionError(
            "no payload encryption keys configured: set HOSO_ENCRYPTION_KEYS (or the file"
            " hoso_encryption_keys in HOSO_SECRETS_DIR) and HOSO_ENCRYPTION_KEY_ID (refusing to"
            " start outside development)"
        )
    return EncryptionCodec(
        {DEV_KEY_ID: dev_key(settings.resolved_keys_dir)}, DEV_KEY_ID, accept_plain=True
    )


def data_converter(settings: Settings) -> DataConverter:
    """pydantic payloads, encrypted with the configured keyring; failures' messages and stack
    traces too (an SMTP error may name an applicant's address)."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=codec_from_settings(settings),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


async def failure_text(converter: DataConverter, failure: Failure) -> str:
    """A failure's message as written, decrypted when it was encoded."""
    if not failure.HasField("encoded_attributes"):
        return failure.message
    copy = Failure()
    copy.CopyFrom(failure)
    try:
        error = await converter.decode_failure(copy)
    except EncryptionError:
        raise
    except Exception:  # a failure this converter cannot read: say so rather than guess
        return failure.message
    return error.message if isinstance(error, FailureError) else str(error)
