"""A dossier (hồ sơ) as submitted: the applicant, documents by reference, the delivery chosen."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from models.calendar import WorkingCalendar
from models.procedure import DeliveryChannel, Identifier, Procedure

DossierCode = Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}-[0-9]{6}-[0-9]{4}$")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Comment = Annotated[str, Field(max_length=4000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")]


class DossierStatus(StrEnum):
    """The product's vocabulary for where a dossier is; keep these stable."""

    submitted = "submitted"
    received = "received"
    in_review = "in_review"
    awaiting_supplement = "awaiting_supplement"
    refused = "refused"
    approved = "approved"
    rejected = "rejected"
    delivering = "delivering"
    completed = "completed"
    withdrawn = "withdrawn"
    cancelled = "cancelled"


CLOSED_STATUSES = frozenset(
    {
        DossierStatus.refused,
        DossierStatus.completed,
        DossierStatus.withdrawn,
        DossierStatus.cancelled,
    }
)


class ReceptionChannel(StrEnum):
    """How the dossier reached the agency (indicator 3.3 counts the online share)."""

    online = "online"
    counter = "counter"
    post = "post"


class Applicant(BaseModel):
    """The citizen or business; personal data, never logged."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    id_number: Annotated[str, Field(pattern=r"^[0-9]{12}$", description="citizen id, 12 digits")]
    phone: Annotated[str, Field(pattern=r"^(\+84|0)[0-9]{9,10}$")]
    email: Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = (
        None
    )
    address: Annotated[str, Field(min_length=1, max_length=500)] | None = None


class DocumentRef(BaseModel):
    """A stored document: only its reference travels, never its bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Identifier
    file_name: Name
    sha256: Sha256
    size: int = Field(ge=0)
    format: Annotated[str, Field(pattern=r"^[a-z0-9]{1,8}$")]


class DossierSubmission(BaseModel):
    """The workflow input: everything the dossier needs, snapshotted at submission."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: DossierCode
    reference: Annotated[str, Field(min_length=1, max_length=128)]
    procedure: Procedure
    applicant: Applicant
    documents: list[DocumentRef]
    delivery: DeliveryChannel
    submitted_at: datetime
    calendar: WorkingCalendar
    received_via: ReceptionChannel = ReceptionChannel.online
