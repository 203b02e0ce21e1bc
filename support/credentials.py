"""Officers' credentials: issuing, revoking and checking tokens, and signing actions with them.

A token is `hoso1.<certificate>.<private key>` (base64url). The issuer (an Ed25519 key kept where
tokens are issued) certifies the officer's identity from the registry; the officer's own key signs
each action. Only the token's SHA-256 is stored. Workers trust the issuer public keys found in the
keys folder and the revocations in the database (`activities/trust.py`); the workflow checks every
signature itself, so a forged action is rejected whatever door it came through.
"""

from __future__ import annotations

import asyncio
import binascii
import hashlib
import secrets
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ValidationError
from sqlmodel import select
from temporalio.client import (
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)

from activities.keys import (
    KeyFileError,
    create_key_pair,
    load_private_key,
    load_public_keys,
    raw_public,
    write_private,
)
from activities.revocations import record_revocations, revocation
from activities.trust import revoked_token_ids
from config import Settings
from models.continuation import ActionReceipt
from models.credentials import Certificate, Proof, TrustAnchors, b64, unb64
from models.officer import OfficerIdentity
from models.state import DossierState
from models.tables import OfficerRecord, OfficerTokenRecord
from support import remembered_trust, update_delivery
from support.catalogue import get_officer
from support.errors import CatalogueError
from support.intake import Sessions
from support.web_sessions import end_officer_sessions

TOKEN_PREFIX = "hoso1"  # noqa: S105 - the token format, not a secret
DEV_ISSUER_ID = "dev"
WEB_ISSUER_PREFIX = "issuer-web"  # the API hosts' issuer of browser sessions' keys
ItemT = TypeVar("ItemT", bound=BaseModel)


class CredentialError(RuntimeError):
    """A token that is missing, malformed, unknown, expired, revoked or not the officer's."""


class ActionUnanswered(RuntimeError):
    """A signed action sent to a dossier that gave no answer in time: no worker took it up, or a
    step of it (an activity) keeps failing."""


def trust_anchors(settings: Settings, sessions: Sessions) -> TrustAnchors:
    return TrustAnchors(
        issuers=load_public_keys(settings.resolved_keys_dir, "issuer"),
        revoked=revoked_token_ids(sessions),
    )


# -- the issuer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Credential:
    """An officer's certificate and private key: signs actions."""

    certificate: Certificate
    key: Ed25519PrivateKey

    @property
    def officer(self) -> OfficerIdentity:
        return self.certificate.officer

    @property
    def token(self) -> str:
        seed = self.key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        certificate = self.certificate.model_dump_json().encode()
        return f"{TOKEN_PREFIX}.{b64(certificate)}.{b64(seed)}"

    @classmethod
    def from_token(cls, token: str) -> Credential:
        prefix, _, rest = token.strip().partition(".")
        body, _, seed = rest.partition(".")
        if prefix != TOKEN_PREFIX or not body or not seed:
            raise CredentialError("not a hoso token (expected hoso1.<certificate>.<key>)")
        try:
            certificate = Certificate.model_validate_json(unb64(body))
            key = Ed25519PrivateKey.from_private_bytes(unb64(seed))
        except (ValueError, ValidationError, binascii.Error) as exc:
            raise CredentialError("the token is damaged (cannot be decoded)") from exc
        if raw_public(key.public_key()) != certificate.public_key:
            raise CredentialError("the token's key does not match its certificate")
        return cls(certificate, key)

    def sign(
        self,
        item: ItemT,
        *,
        dossier: str,
        stage: str | None,
        update: str,
        at: datetime | None = None,
    ) -> ItemT:
        """A copy of `item` carrying this officer's proof for `update` on `dossier` at `stage`,
        signed now (or `at`): one attempt, good for a few minutes."""
        nonce = secrets.token_hex(16)
        signed_at = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        message = Proof.binding(
            item, dossier=dossier, stage=stage, update=update, nonce=nonce, signed_at=signed_at
        )
        proof = Proof(
            certificate=self.certificate,
            dossier=dossier,
            stage=stage,
            update=update,
            nonce=nonce,
            signed_at=signed_at,
            signature=b64(self.key.sign(message)),
        )
        return item.model_copy(update={"proof": proof})


class Issuer:
    """The key that certifies officers. Kept only where tokens are issued."""

    def __init__(self, key_id: str, key: Ed25519PrivateKey) -> None:
        self.key_id = key_id
        self.key = key

    @classmethod
    def from_settings(cls, settings: Settings) -> Issuer:
        """The newest `issuer-<id>.key` of the keys folder; in development one is created."""
        return cls.newest(
            settings,
            web=False,
            dev_id=DEV_ISSUER_ID,
            missing="no issuer key in {folder}: run `hoso officers new-issuer` on the host that"
            " issues tokens (refusing to create one outside development)",
        )

    @classmethod
    def newest(cls, settings: Settings, *, web: bool, dev_id: str, missing: str) -> Issuer:
        """The newest issuer key of the keys folder, of the web pages' (`issuer-web-…`) or the
        tokens'; in development one is created, elsewhere CredentialError(`missing`)."""
        folder = settings.resolved_keys_dir
        found = sorted(folder.glob("issuer-*.key")) if folder.is_dir() else []
        found = [path for path in found if path.stem.startswith(WEB_ISSUER_PREFIX) == web]
        if not found:
            if settings.environment != "development":
                raise CredentialError(missing.format(folder=folder))
            return cls.create(folder, dev_id)
        path = max(found, key=lambda p: p.stat().st_mtime)
        try:
            return cls(path.stem.removeprefix("issuer-"), load_private_key(path))
        except KeyFileError as exc:
            raise CredentialError(str(exc)) from exc

    @classmethod
    def create(cls, folder: Path, key_id: str) -> Issuer:
        """A new issuer key pair in `folder` (the private key 0600, the public key beside it)."""
        return cls(key_id, create_key_pair(folder, f"issuer-{key_id}"))

    @property
    def public_key(self) -> str:
        return raw_public(self.key.public_key())

    def certify(
        self,
        officer: OfficerIdentity,
        *,
        valid_for: timedelta = timedelta(days=90),
        now: datetime | None = None,
    ) -> Credential:
        """A new credential for `officer` (nothing stored: see `issue_token`)."""
        issued = (now or datetime.now(UTC)).replace(microsecond=0)
        key = Ed25519PrivateKey.generate()
        unsigned = Certificate(
            token_id=secrets.token_hex(16),
            officer=officer,
            public_key=raw_public(key.public_key()),
            issued_at=issued,
            expires_at=issued + valid_for,
            issuer=self.key_id,
        )
        signature = b64(self.key.sign(unsigned.signed_bytes()))
        return Credential(unsigned.model_copy(update={"signature": signature}), key)


# -- the register of tokens ----------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def registry_identity(sessions: Sessions, officer_id: str) -> OfficerIdentity:
    with sessions() as session:
        record = get_officer(session, officer_id)
    return OfficerIdentity(id=record.id, role=record.role, unit=record.unit, agency=record.agency)


def issue_token(
    sessions: Sessions, settings: Settings, officer_id: str, *, days: int | None = None
) -> Credential:
    """Certifies the officer as the registry knows them and stores the token's hash."""
    identity = registry_identity(sessions, officer_id)
    issuer = Issuer.from_settings(settings)
    credential = issuer.certify(identity, valid_for=timedelta(days=days or settings.token_days))
    cert = credential.certificate
    with sessions() as session:
        session.add(
            OfficerTokenRecord(
                token_id=cert.token_id,
                officer_id=identity.id,
                token_sha256=token_hash(credential.token),
                issuer=cert.issuer,
                issued_at=cert.issued_at,
                expires_at=cert.expires_at,
            )
        )
        session.commit()
    return credential


def development_tokens(sessions: Sessions, settings: Settings) -> Path:
    """In development only: a token file per active officer of the registry under
    `<data>/tokens/` (kept across restarts while it is valid; a revoked or expired one, or one
    the registry no longer matches, is replaced), so the sample officers can act from the CLI."""
    if settings.environment != "development":
        raise CredentialError("sample tokens are for development only: issue real ones")
    folder = settings.data_dir / "tokens"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with sessions() as session:
        ids = list(session.exec(select(OfficerRecord.id).where(OfficerRecord.active == True)))  # noqa: E712
    for officer_id in ids:
        path = folder / f"{officer_id}.token"
        if path.exists() and _still_valid(sessions, settings, path):
            continue
        path.unlink(missing_ok=True)
        write_private(path, (issue_token(sessions, settings, officer_id).token + "\n").encode())
    return folder


def _still_valid(sessions: Sessions, settings: Settings, path: Path) -> bool:
    try:
        authenticate(sessions, settings, _read_token_file(path))
    except CredentialError:
        return False
    return True


def revoke(sessions: Sessions, target: str, *, by: str) -> list[str]:
    """Revokes one token (by id) or every live token of an officer (by officer id), on the
    register of revocations (support/revocations.py), and ends that officer's web sessions."""
    now = datetime.now(UTC)
    with sessions() as session:
        rows = list(
            session.exec(
                select(OfficerTokenRecord).where(
                    (OfficerTokenRecord.token_id == target)
                    | (OfficerTokenRecord.officer_id == target)
                )
            )
        )
        # An officer's web sessions end with their tokens (they act as the officer too).
        ended = end_officer_sessions(session, target, now, f"revoked by {by}")
        if not rows and not ended:
            raise CredentialError(f"no token or officer '{target}' in the token register")
        live = [row for row in rows if row.revoked_at is None]
        revoked = record_revocations(session, live, by=by, reason=f"revoked by {by}")
        session.commit()
    remembered_trust.forget()
    return revoked


def list_tokens(sessions: Sessions, officer_id: str | None = None) -> list[OfficerTokenRecord]:
    with sessions() as session:
        query = select(OfficerTokenRecord).order_by(OfficerTokenRecord.issued_at)  # type: ignore[arg-type]
        if officer_id:
            query = query.where(OfficerTokenRecord.officer_id == officer_id)
        return list(session.exec(query))


def authenticate(
    sessions: Sessions, settings: Settings, token: str, *, officer_id: str | None = None
) -> Credential:
    """The credential of a valid token: known, unexpired, unrevoked, and still matching the
    registry (a changed role or unit needs a new token)."""
    credential = Credential.from_token(token)
    cert = credential.certificate
    check_certificate(sessions, settings, cert, token_sha256=token_hash(token))
    if officer_id is not None and officer_id != cert.officer.id:
        raise CredentialError(
            f"the token belongs to {cert.officer.id}, not {officer_id}: --as must match the token"
        )
    return credential


def check_certificate(
    sessions: Sessions,
    settings: Settings,
    cert: Certificate,
    *,
    token_sha256: str | None = None,
    now: datetime | None = None,
) -> OfficerIdentity:
    """The officer a certificate names, when it is from a trusted issuer, unaltered, in the
    token register (with `token_sha256`, that very token), unrevoked, unexpired and still
    matching the registry. The API checks certificates alone: the token never reaches it."""
    issuers = load_public_keys(settings.resolved_keys_dir, "issuer")
    if cert.issuer not in issuers:
        raise CredentialError(f"the token's issuer '{cert.issuer}' is not trusted here")
    try:
        Ed25519PublicKey.from_public_bytes(unb64(issuers[cert.issuer])).verify(
            unb64(cert.signature), cert.signed_bytes()
        )
    except (InvalidSignature, ValueError) as exc:
        raise CredentialError("the token's certificate is forged (bad issuer signature)") from exc
    with sessions() as session:
        row = session.get(OfficerTokenRecord, cert.token_id)
        revoked_at = revocation(session, cert.token_id)
    if (
        row is None
        or row.officer_id != cert.officer.id
        or (token_sha256 is not None and not secrets.compare_digest(row.token_sha256, token_sha256))
    ):
        raise CredentialError("unknown token: it was not issued here")
    if revoked_at is not None:
        raise CredentialError(f"token {cert.token_id} was revoked on {revoked_at:%Y-%m-%d}")
    if cert.expires_at <= (now or datetime.now(UTC)):
        raise CredentialError(
            f"token {cert.token_id} expired on {cert.expires_at:%Y-%m-%d}: ask for a new one"
        )
    try:
        registered = registry_identity(sessions, cert.officer.id)
    except CatalogueError as exc:
        raise CredentialError(f"the token's officer is not active here: {exc}") from None
    if registered != cert.officer:
        raise CredentialError(
            f"the registry changed {cert.officer.id}'s role or unit since the token was issued:"
            " ask for a new token"
        )
    return cert.officer


def token_from_settings(settings: Settings, officer_id: str | None = None) -> str:
    """The caller's token: HOSO_TOKEN_FILE (preferred) or HOSO_TOKEN — never a command flag.
    In development only, the sample token `<data>/tokens/<officer>.token` that `hoso up` wrote."""
    if settings.token_file is not None:
        return _read_token_file(Path(settings.token_file).expanduser())
    if settings.token:
        return settings.token
    if settings.environment == "development" and officer_id:
        sample = settings.data_dir / "tokens" / f"{officer_id}.token"
        if sample.exists():
            return _read_token_file(sample)
    raise CredentialError(
        "no officer token: set HOSO_TOKEN_FILE (or HOSO_TOKEN) to the token from"
        " `hoso officers issue-token`"
    )


def _read_token_file(path: Path) -> str:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise CredentialError(f"cannot read the token file {path}: {exc.strerror}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialError(f"the token file {path} is readable by others: chmod 600 it")
    return text


async def send(
    handle: WorkflowHandle[Any, Any],
    update: Any,
    item: ItemT,
    credential: Credential,
    *,
    wait: float | None = None,
    at: datetime | None = None,
) -> ActionReceipt:
    """Signs `item` for the dossier's current stage and executes `update` with it; its answer
    is the action's receipt (the whole state is the `state` query's: `send_and_read`). With
    `wait`, gives up after that many seconds (the SDK itself waits for an update's outcome
    forever); `at`: the signing time (the server's clock where it is not the machine's: a
    time-skipping server)."""
    try:
        stage = await handle.query("stage", result_type=str)
    except WorkflowQueryFailedError:  # answered by a worker from before the `stage` query
        stage = (await handle.query("state", result_type=DossierState)).stage
    name = getattr(update, "__name__", str(update))
    signed = credential.sign(item, dossier=handle.id, stage=stage, update=name, at=at)
    try:
        answer = await asyncio.wait_for(update_delivery.execute(handle, update, signed), wait)
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        # (the SDK answers the cancellation of its wait with the second)
        if wait is None:
            raise
        raise ActionUnanswered(
            f"dossier {handle.id} gave no answer to the {name} within {wait:g} s: the workers are"
            f" down, or a step of it keeps failing (`hoso history {handle.id}` shows it retrying)."
            f" It was sent and may still take effect: check `hoso status {handle.id}` before"
            " sending it again"
        ) from None
    # the answer of a dossier started before receipts is its whole state: read as a receipt
    return ActionReceipt.model_validate(answer, from_attributes=True)


async def send_and_read(
    handle: WorkflowHandle[Any, Any],
    update: Any,
    item: ItemT,
    credential: Credential,
    *,
    wait: float | None = None,
) -> DossierState:
    """`send`, then the dossier's state as it stands after the action (its `state` query)."""
    await send(handle, update, item, credential, wait=wait)
    state: DossierState = await handle.query("state", result_type=DossierState)
    return state
