"""Who signs a publication (models/publication.py): an officer with their token's key, on their
own machine, or the issuer key itself on the machine that holds it (the bundled catalogue in
development, the first administrator in production)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from config import Settings
from models.credentials import b64
from models.publication import PublicationKind, PublicationProof, PublicationStatement
from support.credentials import Credential, Issuer


def statement(
    kind: PublicationKind, subject: str, agency: str, sha256: str
) -> PublicationStatement:
    return PublicationStatement(
        kind=kind,
        subject=subject,
        agency=agency,
        sha256=sha256,
        nonce=secrets.token_hex(16),
        signed_at=datetime.now(UTC).replace(microsecond=0),
    )


@dataclass(frozen=True)
class OfficerPublisher:
    """An officer signing with their token's key (on their own machine: the CLI)."""

    credential: Credential

    def proof_for(
        self, kind: PublicationKind, subject: str, agency: str, sha256: str
    ) -> PublicationProof:
        said = statement(kind, subject, agency, sha256)
        return PublicationProof(
            statement=said,
            certificate=self.credential.certificate,
            signature=b64(self.credential.key.sign(said.signed_bytes())),
        )


@dataclass(frozen=True)
class MachinePublisher:
    """The issuer key itself, on the machine that holds it: the bundled catalogue in
    development, the first administrator in production."""

    issuer: Issuer

    def proof_for(
        self, kind: PublicationKind, subject: str, agency: str, sha256: str
    ) -> PublicationProof:
        said = statement(kind, subject, agency, sha256)
        return PublicationProof(
            statement=said,
            issuer=self.issuer.key_id,
            signature=b64(self.issuer.key.sign(said.signed_bytes())),
        )


def machine_publisher(settings: Settings) -> MachinePublisher:
    """This machine's issuer key as publisher (in development one is created on first use)."""
    return MachinePublisher(Issuer.from_settings(settings))
