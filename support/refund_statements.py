"""A refund's signed statement: what the operator's token signs when they record a fee paid back
(`models.payment.RefundStatement`, bound to the attempt's dossier and the update name "refund",
as an action's proof is), checked when it is recorded and again whenever the row is read, so
that a refund written into the database by anyone but that operator shows as such.

Pure but for the issuer keys read from the keys folder: no database, no Temporal.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from models.credentials import Proof
from models.payment import RefundStatement
from models.payment_records import PaymentRecord
from workflows.identity import CLOCK_SKEW, SIGNATURE_LIFETIME, verifies

UPDATE = "refund"


def signature_problem(statement: RefundStatement, dossier: str) -> str | None:
    """Why the statement's proof is not its certificate's signature over it for `dossier`, or
    None."""
    proof = statement.proof
    if proof is None:
        return "the refund is not signed"
    if proof.dossier != dossier or proof.update != UPDATE or proof.stage is not None:
        return (
            f"the signature is for '{proof.update}' on {proof.dossier}, not a refund of {dossier}"
        )
    message = Proof.binding(
        statement,
        dossier=proof.dossier,
        stage=None,
        update=UPDATE,
        nonce=proof.nonce,
        signed_at=proof.signed_at,
    )
    if not verifies(proof.certificate.public_key, proof.signature, message):
        return f"the signature of {proof.certificate.officer.id} does not match the refund"
    return None


def freshness_problem(proof: Proof, now: datetime) -> str | None:
    """A statement being recorded: signed within the lifetime of a signed action."""
    if proof.signed_at is None:
        return "the refund's signature carries no signing time"
    if now - proof.signed_at > SIGNATURE_LIFETIME or proof.signed_at > now + CLOCK_SKEW:
        return (
            f"the refund was signed at {proof.signed_at:%Y-%m-%d %H:%M} UTC: sign it again"
            f" (a signature is good for {SIGNATURE_LIFETIME.seconds // 60} minutes)"
        )
    return None


def row_problem(row: PaymentRecord, issuers: dict[str, str]) -> str | None:
    """Why the refund recorded on `row` is not the one its operator signed, or None: a statement
    that does not parse, a certificate no trusted issuer signed, a signature that does not
    match, or a row that says otherwise than the statement (amount, note, operator)."""
    if row.refund_made_at is None:
        return None
    if row.refund_statement is None:
        return "recorded without a signed statement"
    try:
        statement = RefundStatement.model_validate(row.refund_statement)
    except ValidationError:
        return "its signed statement does not parse"
    proof = statement.proof
    if proof is None:
        return "its statement is not signed"
    cert = proof.certificate
    issuer = issuers.get(cert.issuer)
    if issuer is None or not verifies(issuer, cert.signature, cert.signed_bytes()):
        return f"the certificate of {cert.officer.id} is not from a trusted issuer"
    problem = signature_problem(statement, row.dossier_code)
    if problem is not None:
        return problem
    said = (statement.reference, statement.amount, statement.note, cert.officer.id)
    kept = (row.reference, row.amount, row.refund_note, row.refund_made_by)
    if said != kept:
        return "the row says otherwise than the signed statement"
    return None
