"""Subscribers' secrets at rest: sealed with the payload keyring (AES-256-GCM, the key id kept
beside it, as Temporal payloads are), so a copy of the database does not sign as hoso. Only the
relay, which signs, and the operation registering a subscriber handle them in clear."""

from __future__ import annotations

import base64

from temporalio.api.common.v1 import Payload

from config import Settings
from support.codec import EncryptionCodec, codec_from_settings

SEALED = "sealed:"


class SecretBox:
    def __init__(self, codec: EncryptionCodec) -> None:
        self._codec = codec

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        return cls(codec_from_settings(settings))

    def seal(self, secret: str) -> str:
        sealed = self._codec.encrypt(Payload(data=secret.encode()))
        return SEALED + base64.b64encode(sealed.SerializeToString()).decode()

    def open(self, stored: str) -> str:
        """The secret in clear (EncryptionError: a key the keyring lacks, or tampered)."""
        if not stored.startswith(SEALED):
            raise ValueError("a webhook secret stored unsealed")
        payload = Payload.FromString(base64.b64decode(stored.removeprefix(SEALED)))
        return self._codec.decrypt(payload).data.decode()
