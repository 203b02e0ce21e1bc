"""Who signed an action: the workflow's own check of an officer's proof, whatever door it came by.

Pure and deterministic (signature checks and the workflow clock): used by the update validators
and again by the loop before an action is applied.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from temporalio import workflow

from models.credentials import Proof, TrustAnchors, unb64
from models.state import DossierState
from models.updates import UPDATE_OF, UpdateInput
from workflows.rules import ActionRejected

CLOCK_SKEW = timedelta(minutes=5)
SIGNATURE_LIFETIME = timedelta(minutes=10)
"""How long a signed action may take to reach the dossier: sent later, it is refused (a refused
action kept by someone cannot be sent again once the dossier has moved on)."""
SENT_BEFORE = "(stale or replayed)"
"""Ends the refusal of a genuinely signed action that came after its stage or its nonce was spent:
the same item sent twice (`support/update_delivery.py` tells whether it was applied once)."""


def verifies(public_key: str, signature: str, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(unb64(public_key)).verify(unb64(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def check_signature(state: DossierState, item: UpdateInput) -> Proof:
    """The parts a dossier can check alone: signed by the certificate's key, for this officer,
    this dossier, this update and its current stage, never used before."""
    proof = item.proof
    who = item.officer
    if who is None:
        raise ActionRejected(
            "nobody received this request: the one-stop officer or the portal account that"
            " received it from the applicant signs it"
        )
    if proof is None:
        raise ActionRejected(
            f"unsigned action by {who.id}: officers act with their token"
            " (HOSO_TOKEN_FILE, from `hoso officers issue-token`)"
        )
    cert = proof.certificate
    if cert.officer != who:
        raise ActionRejected(
            f"the action claims {who.id} ({who.role} of {who.unit}, {who.agency}) but the"
            f" credential certifies {cert.officer.id} ({cert.officer.role} of"
            f" {cert.officer.unit}, {cert.officer.agency})"
        )
    update = UPDATE_OF[type(item)].name
    if proof.dossier != state.code:
        raise ActionRejected(f"the action was signed for dossier {proof.dossier}, not {state.code}")
    if proof.update != update:
        raise ActionRejected(f"the signature is for '{proof.update}', not '{update}'")
    message = Proof.binding(
        item,
        dossier=proof.dossier,
        stage=proof.stage,
        update=proof.update,
        nonce=proof.nonce,
        signed_at=proof.signed_at,
    )
    if not verifies(cert.public_key, proof.signature, message):
        raise ActionRejected(f"the signature of {who.id} does not match the action (altered)")
    # Only a genuine signature is told it came too late or twice (`SENT_BEFORE`).
    if proof.stage != state.stage:
        raise ActionRejected(
            f"the action was signed for stage '{proof.stage or '-'}' but the dossier is at"
            f" '{state.stage or '-'}' {SENT_BEFORE}"
        )
    if proof.nonce in state.nonces:
        raise ActionRejected(f"this signed action was already used once {SENT_BEFORE}")
    return proof


def check_credential(proof: Proof, trust: TrustAnchors, now: datetime) -> None:
    """The certificate: from a trusted issuer, unaltered, valid now, not revoked."""
    cert = proof.certificate
    issuer = trust.issuers.get(cert.issuer)
    if issuer is None:
        raise ActionRejected(f"the credential of {cert.officer.id} comes from an unknown issuer")
    if not verifies(issuer, cert.signature, cert.signed_bytes()):
        raise ActionRejected(
            f"the credential of {cert.officer.id} is forged or altered (issuer signature fails)"
        )
    if cert.token_id in trust.revoked:
        raise ActionRejected(f"the token of {cert.officer.id} ({cert.token_id}) is revoked")
    if now >= cert.expires_at:
        raise ActionRejected(
            f"the token of {cert.officer.id} expired on {cert.expires_at:%Y-%m-%d %H:%M} UTC"
        )
    if now + CLOCK_SKEW < cert.issued_at:
        raise ActionRejected(f"the token of {cert.officer.id} is not valid yet")


def check_fresh(proof: Proof, now: datetime) -> None:
    """A new attempt (in a validator): signed within SIGNATURE_LIFETIME, not in the future."""
    who = proof.certificate.officer.id
    if proof.signed_at is None:
        raise ActionRejected(
            f"the action of {who} carries no signing time: sign it again (a signature is good"
            f" for {SIGNATURE_LIFETIME.seconds // 60} minutes)"
        )
    if now - proof.signed_at > SIGNATURE_LIFETIME:
        raise ActionRejected(
            f"the action of {who} was signed at {proof.signed_at:%Y-%m-%d %H:%M} UTC, more than"
            f" {SIGNATURE_LIFETIME.seconds // 60} minutes ago {SENT_BEFORE}: sign it again"
        )
    if proof.signed_at > now + CLOCK_SKEW:
        raise ActionRejected(f"the action of {who} is signed in the future: check the clock")


def check(state: DossierState, item: UpdateInput, trust: TrustAnchors | None) -> Proof:
    """Every check; without trust anchors (still loading) only what the dossier can check alone."""
    proof = check_signature(state, item)
    if trust is not None:
        check_credential(proof, trust, workflow.now())
    return proof
