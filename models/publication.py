"""Publications (công bố) of the catalogue: a procedure version, an agency's officer roster, or
the province's working calendar, signed by who published it.

The publisher signs a statement naming what is published (its kind, its subject and agency) and
the SHA-256 of its content, on their own machine with their token's key; the statement, the
signature and the publisher's certificate are kept on the publication record, which `hoso verify`
and the worker check: a catalogue row that no valid publication covers was not published.

The first publications of a new installation (the bundled catalogue in development, the first
administrator in production) are signed by the issuer key itself, on the machine that holds it:
whoever holds that key can certify any officer anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from models.credentials import B64, Certificate, canonical, digest
from models.officer import Officer
from models.procedure import Identifier

STATEMENT_KIND = "hoso-publication-1"
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class PublicationKind(StrEnum):
    procedure = "procedure"
    roster = "roster"
    calendar = "calendar"  # the province's announced days off and swapped days (subject: calendar)


CALENDAR_SUBJECT = "calendar"


class PublicationStatement(BaseModel):
    """What the publisher signs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: PublicationKind
    subject: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        description="the procedure's code, or the roster's agency"
    )
    agency: Identifier = Field(description="the agency whose catalogue this is")
    sha256: Sha256 = Field(description="SHA-256 of the published content")
    nonce: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    signed_at: datetime

    def signed_bytes(self) -> bytes:
        return canonical({"kind": STATEMENT_KIND, **self.model_dump(mode="json")})


class PublicationProof(BaseModel):
    """A statement with its signature: by an officer (their certificate), or by the issuer key
    itself (`issuer`, the machine's bootstrap)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    statement: PublicationStatement
    certificate: Certificate | None = None
    issuer: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}$")] | None = None
    signature: B64

    @property
    def publisher(self) -> str:
        """Who signed: an officer's id, or `issuer:<key id>`."""
        if self.certificate is not None:
            return self.certificate.officer.id
        return f"issuer:{self.issuer}"


def roster_hash(officers: Iterable[Officer]) -> str:
    """SHA-256 of a roster's officers, in the order of their ids."""
    ordered = sorted(officers, key=lambda officer: officer.id)
    return digest([officer.model_dump(mode="json") for officer in ordered])


def calendar_hash(changes: dict[str, Any]) -> str:
    """SHA-256 of a calendar file's changes (`days_off`, `working_days`) as JSON."""
    return digest(changes)
