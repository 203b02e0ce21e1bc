"""Officers' credentials: a certificate from the issuer, and a proof signed for one action.

A token (`hoso officers issue-token`) holds an Ed25519 private key and its certificate. The issuer
certifies who the officer is (id, role, unit, agency, from the registry at issue time) and until
when. Each action carries a `Proof`: the certificate plus the officer's signature over the action,
the dossier code, the stage it is meant for and a nonce, so it cannot be replayed elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from models.officer import OfficerIdentity

B64 = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+={0,2}$", max_length=200)]
TokenId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]


def canonical(data: Any) -> bytes:
    """The bytes that are signed or hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def b64(data: bytes) -> str:
    """Keys and signatures as text: URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Certificate(BaseModel):
    """The issuer's statement: this public key is this officer's until `expires_at`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    token_id: TokenId
    officer: OfficerIdentity
    public_key: B64
    issued_at: datetime
    expires_at: datetime
    issuer: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}$")]
    signature: B64 = ""

    def signed_bytes(self) -> bytes:
        return canonical(self.model_dump(mode="json", exclude={"signature"}))


class Proof(BaseModel):
    """The officer's signature over one action, bound to a dossier, a stage and a nonce."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    certificate: Certificate
    dossier: Annotated[str, Field(max_length=64)]
    stage: Annotated[str | None, Field(max_length=64)] = None
    update: Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")]
    nonce: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    signed_at: datetime | None = Field(
        default=None, description="when the officer signed: the dossier refuses it once stale"
    )
    signature: B64 = ""

    @staticmethod
    def binding(
        item: BaseModel,
        *,
        dossier: str,
        stage: str | None,
        update: str,
        nonce: str,
        signed_at: datetime | None = None,
    ) -> bytes:
        """What the officer signs: the action without its proof, where it is meant to land and
        when it was signed (left out when unset: proofs made before it still verify)."""
        body = item.model_dump(mode="json", exclude={"proof"})
        for name in getattr(item, "SIGNED_WHEN_SET", ()):
            if body.get(name) is None:
                del body[name]
        bound = {"action": body, "dossier": dossier, "stage": stage, "update": update}
        if signed_at is not None:
            bound["signed_at"] = signed_at.astimezone(UTC).isoformat()
        return canonical(bound | {"nonce": nonce})


class TrustAnchors(BaseModel):
    """What a dossier trusts, loaded from the worker: issuer public keys and revoked tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuers: dict[str, str] = Field(default_factory=dict, description="key id -> public key")
    revoked: list[str] = Field(default_factory=list, description="revoked token ids")
