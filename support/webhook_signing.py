"""Standard Webhooks signatures (standardwebhooks.com): `webhook-signature` is `v1,` then the
base64 HMAC-SHA256, keyed with the secret's bytes, of `<webhook-id>.<webhook-timestamp>.<body>`.
`verify` is what a portal's receiver does; hoso's tests check every delivery with it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping

from models.webhooks import SECRET_PREFIX, secret_key

TOLERANCE_SECONDS = 5 * 60  # the standard's window against replayed messages


class WebhookVerificationError(ValueError):
    """A webhook whose headers are missing, out of their time window, or badly signed."""


def new_secret() -> str:
    """A fresh secret: `whsec_` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header's value for this message."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    mac = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: float) -> str:
    """Checks a received webhook as the standard says: its timestamp within five minutes of
    `now`, one of its space-separated `v1,` signatures right. Returns its webhook-id."""
    message_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp", "")
    given = headers.get("webhook-signature", "")
    if not message_id or not timestamp.isdigit() or not given:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or signature")
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        raise WebhookVerificationError("webhook-timestamp is outside the tolerance window")
    expected = sign(secret, message_id, int(timestamp), body)
    for candidate in given.split(" "):
        if hmac.compare_digest(candidate.encode(), expected.encode()):
            return message_id
    raise WebhookVerificationError("no signature matches")
