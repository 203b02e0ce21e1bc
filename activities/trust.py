"""What dossiers trust: the issuer public keys in the keys folder and the revoked tokens, and
whether a dossier's own start came from hoso's intake.

Read by the worker (a trusted host), never supplied by a caller: the workflow checks every
officer's signature against these anchors, and starts only from a submission that intake sealed
(`intake-<id>.pub` in the keys folder) with a procedure version the catalogue published.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import select
from temporalio import activity

from activities.database import SessionFactory
from activities.keys import load_public_keys
from activities.publications import procedure_on_record
from activities.revocations import revoked_ids
from models.actions import CouncilAppointment, CouncilVerdict
from models.credentials import TrustAnchors, unb64
from models.intake import SubmissionCheck, SubmissionVerdict
from models.tables import OfficerRecord, OfficerTokenRecord, ProcedureRecord

INTAKE_KEYS = "intake"


class TrustActivities:
    def __init__(self, session_factory: SessionFactory, keys_dir: Path) -> None:
        self._sessions = session_factory
        self._keys_dir = keys_dir

    @activity.defn
    async def load_trust(self) -> TrustAnchors:
        return await asyncio.to_thread(self._load)

    def _load(self) -> TrustAnchors:
        return TrustAnchors(
            issuers=load_public_keys(self._keys_dir, "issuer"),
            revoked=revoked_token_ids(self._sessions),
        )

    @activity.defn
    async def check_council(self, appointment: CouncilAppointment) -> CouncilVerdict:
        """Read-only: may the registry seat this council (members officers of it, experts
        marked as experts)?"""
        refusal = await asyncio.to_thread(council_refusal, appointment, self._sessions)
        return CouncilVerdict(refusal=refusal)

    @activity.defn
    async def check_submission(self, check: SubmissionCheck) -> SubmissionVerdict:
        """Read-only: is this start a submission intake sealed, of a published procedure?"""
        refusal = await asyncio.to_thread(submission_refusal, check, self._keys_dir, self._sessions)
        if refusal is not None:
            activity.logger.warning("submission_refused: %s (%s)", check.code, refusal)
        return SubmissionVerdict(refusal=refusal)


def revoked_token_ids(sessions: SessionFactory) -> list[str]:
    """Revoked tokens not yet expired (the register of revocations, and the token list): the
    dossiers must refuse them."""
    now = datetime.now(UTC)
    with sessions() as session:
        revoked = revoked_ids(session)
        live = session.exec(
            select(OfficerTokenRecord.token_id).where(OfficerTokenRecord.expires_at > now)
        )
        return sorted(revoked & set(live))


def council_refusal(appointment: CouncilAppointment, sessions: SessionFactory) -> str | None:
    """The first member the registry cannot seat as named, and why; None when all can sit."""
    with sessions() as session:
        for member in appointment.members:
            record = session.get(OfficerRecord, member.id)
            if record is None or not record.active:
                return f"council member {member.id} is not an officer of the registry"
            if member.expert and not record.expert:
                return (
                    f"council member {member.id} is named an expert but the registry does not"
                    " mark them as one"
                )
    return None


def seal_refusal(check: SubmissionCheck, intake_keys: dict[str, str]) -> str | None:
    """Why the seal does not vouch for this submission, or None."""
    if check.seal_key is None or check.seal_signature is None:
        return "the submission carries no intake seal (it was not accepted by hoso's intake)"
    public = intake_keys.get(check.seal_key)
    if public is None:
        return f"the submission is sealed by an unknown intake key '{check.seal_key}'"
    try:
        key = Ed25519PublicKey.from_public_bytes(unb64(public))
        key.verify(unb64(check.seal_signature), check.sealed_bytes())
    except (InvalidSignature, ValueError):
        return "the intake seal does not match the submission (forged or altered)"
    return None


def published(
    sessions: SessionFactory, code: str, version: int, sha256: str, issuers: dict[str, str]
) -> bool:
    """The catalogue published this version of the procedure with exactly this content, and a
    valid publication (signed by an administrator of its agency) covers it."""
    with sessions() as session:
        record = session.get(ProcedureRecord, (code, version))
        if record is None or record.source_sha256 != sha256:
            return False
        return procedure_on_record(session, code, version, sha256, issuers)


def submission_refusal(
    check: SubmissionCheck, keys_dir: Path, sessions: SessionFactory
) -> str | None:
    """Why a dossier may not start from this submission, or None."""
    refusal = seal_refusal(check, load_public_keys(keys_dir, INTAKE_KEYS))
    issuers = load_public_keys(keys_dir, "issuer")
    if refusal is None and not published(
        sessions, check.procedure_code, check.procedure_version, check.procedure_sha256, issuers
    ):
        refusal = (
            f"procedure {check.procedure_code} version {check.procedure_version} with this"
            " content was never published by the catalogue (no valid signed publication covers"
            " it)"
        )
    return refusal
