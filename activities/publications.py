"""The publication record (models/publication.py): what was published, kept with its proof, and
whether a catalogue row is covered by a valid publication (who signs: support/publishers.py). The
worker starts no dossier of a procedure version that no valid publication covers.

A publication is valid when its statement names the content kept with it (same kind, subject,
agency and SHA-256), its signature verifies, and its signer may publish it: an administrator of
the agency (a certificate from a trusted issuer, valid when it signed), or the issuer key itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError
from sqlmodel import Session, select

from models.credentials import unb64
from models.officer import ADMINISTRATOR_ROLE
from models.publication import PublicationKind, PublicationProof
from models.tables import PublicationRecord


class Publisher(Protocol):
    """Who signs what `support/catalogue.py` publishes."""

    def proof_for(
        self, kind: PublicationKind, subject: str, agency: str, sha256: str
    ) -> PublicationProof: ...


class ProvidedProofs:
    """The proofs a publisher signed on their machine and sent with the content (the API)."""

    def __init__(self, proofs: list[PublicationProof]) -> None:
        self._proofs = {
            (p.statement.kind, p.statement.subject, p.statement.sha256): p for p in proofs
        }

    def proof_for(
        self, kind: PublicationKind, subject: str, agency: str, sha256: str
    ) -> PublicationProof:
        found = self._proofs.get((kind, subject, sha256))
        if found is None or found.statement.agency != agency:
            raise PublicationError(
                f"{kind} {subject}: no signature over this content was sent (sign what you publish)"
            )
        return found


class PublicationError(ValueError):
    """A publication whose signature is missing, does not verify, or whose signer may not
    publish it."""


def proof_problem(
    proof: PublicationProof,
    issuers: dict[str, str],
    *,
    kind: str,
    subject: str,
    agency: str,
    sha256: str,
) -> str | None:
    """Why `proof` does not vouch for publishing this content, or None."""
    said = proof.statement
    if (said.kind, said.subject, said.agency, said.sha256) != (kind, subject, agency, sha256):
        return "its signed statement names other content"
    if proof.certificate is not None:
        return _officer_problem(proof, issuers)
    public = issuers.get(proof.issuer or "")
    if public is None:
        return f"signed by an issuer key that is not trusted here ({proof.issuer})"
    return _signature_problem(public, proof)


def _officer_problem(proof: PublicationProof, issuers: dict[str, str]) -> str | None:
    cert = proof.certificate
    assert cert is not None
    public = issuers.get(cert.issuer)
    if public is None:
        return f"its publisher's certificate is from an untrusted issuer ({cert.issuer})"
    try:
        Ed25519PublicKey.from_public_bytes(unb64(public)).verify(
            unb64(cert.signature), cert.signed_bytes()
        )
    except (InvalidSignature, ValueError):
        return "its publisher's certificate is forged"
    officer, said = cert.officer, proof.statement
    if officer.role != ADMINISTRATOR_ROLE or officer.agency != said.agency:
        return (
            f"signed by {officer.id} ({officer.role} of {officer.agency}), who is not an"
            f" administrator of {said.agency}"
        )
    if not cert.issued_at <= said.signed_at <= cert.expires_at:
        return f"signed by {officer.id} outside their certificate's validity"
    return _signature_problem(cert.public_key, proof)


def _signature_problem(public: str, proof: PublicationProof) -> str | None:
    try:
        key = Ed25519PublicKey.from_public_bytes(unb64(public))
        key.verify(unb64(proof.signature), proof.statement.signed_bytes())
    except (InvalidSignature, ValueError):
        return "its signature does not verify (forged or altered)"
    return None


def record_publication(
    session: Session,
    proof: PublicationProof,
    content: Mapping[str, Any],
    *,
    version: int | None = None,
) -> None:
    """Adds one publication to the record (the caller commits, with the rows it covers)."""
    said = proof.statement
    session.add(
        PublicationRecord(
            kind=said.kind.value,
            subject=said.subject,
            agency=said.agency,
            version=version,
            sha256=said.sha256,
            content=dict(content),
            publisher=proof.publisher,
            proof=proof.model_dump(mode="json"),
            nonce=said.nonce,
            published_at=datetime.now(UTC),
        )
    )


def stored_proof(row: PublicationRecord) -> PublicationProof | None:
    try:
        return PublicationProof.model_validate(row.proof)
    except ValidationError:
        return None


def row_problem(row: PublicationRecord, issuers: dict[str, str]) -> str | None:
    """Why a publication of the record is not valid, or None."""
    proof = stored_proof(row)
    if proof is None:
        return "its proof is not a signed statement"
    if proof.statement.nonce != row.nonce:
        return "its row and its signed statement differ"
    return proof_problem(
        proof, issuers, kind=row.kind, subject=row.subject, agency=row.agency, sha256=row.sha256
    )


def procedure_on_record(
    session: Session, code: str, version: int, sha256: str, issuers: dict[str, str]
) -> bool:
    """A valid publication covers this version of the procedure with exactly this content."""
    rows = session.exec(
        select(PublicationRecord).where(
            PublicationRecord.kind == PublicationKind.procedure.value,
            PublicationRecord.subject == code,
            PublicationRecord.version == version,
            PublicationRecord.sha256 == sha256,
        )
    )
    return any(row_problem(row, issuers) is None for row in rows)


def recorded(
    session: Session, kind: PublicationKind, subject: str, sha256: str, version: int | None = None
) -> bool:
    """Some publication of this content is on the record already (valid or not: verify says)."""
    query = select(PublicationRecord.n).where(
        PublicationRecord.kind == kind.value,
        PublicationRecord.subject == subject,
        PublicationRecord.sha256 == sha256,
        PublicationRecord.version == version,
    )
    return session.exec(query).first() is not None
