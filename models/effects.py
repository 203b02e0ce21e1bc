"""Inputs and outputs of the activities a dossier workflow calls: its side effects, as data."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.dossier import Applicant, Sha256
from models.procedure import DeliveryChannel
from models.state import DossierState


class DossierProjection(BaseModel):
    """The dossier's state written to the projection (idempotent upsert by code)."""

    model_config = ConfigDict(frozen=True)

    state: DossierState
    reference: str
    applicant: Applicant


class Recipient(BaseModel):
    """The applicant (by their contact data) or the officers of a role in a unit or agency."""

    model_config = ConfigDict(frozen=True)

    audience: Literal["applicant", "officers"]
    email: str | None = None
    phone: str | None = None
    role: str | None = None
    unit: str | None = None
    agency: str | None = None
    officers: list[str] = Field(default_factory=list, description="officer ids, when named")


class Notification(BaseModel):
    """A message to send once: `key` makes a retry a no-op."""

    model_config = ConfigDict(frozen=True)

    key: str
    dossier_code: str
    template: str = Field(description="name of the message template, e.g. 'receipt_issued'")
    recipient: Recipient
    context: dict[str, str] = Field(default_factory=dict)


FormKind = Literal[
    "receipt",
    "supplement_request",
    "revision_request",
    "refusal",
    "result",
    "apology",
    "control_sheet",
    "payment_receipt",
]


class FormRequest(BaseModel):
    """A form to issue as a document of the dossier (phiếu tiếp nhận, phiếu từ chối …)."""

    model_config = ConfigDict(frozen=True)

    key: str
    dossier_code: str
    kind: FormKind
    issued_at: datetime
    context: dict[str, str] = Field(default_factory=dict)
    agency: str | None = Field(default=None, description="whose seal the form bears")
    record_head: Sha256 | None = Field(
        default=None, description="the record's last hash: the seal covers the chain so far"
    )


class ResultDelivery(BaseModel):
    """Hand the result (or refusal) to the applicant's channel."""

    model_config = ConfigDict(frozen=True)

    key: str
    dossier_code: str
    channel: DeliveryChannel
    form_sha256: str
    address: str | None = None


class DeliveryReceipt(BaseModel):
    channel: DeliveryChannel
    tracking: str | None = None
    needs_confirmation: bool = Field(
        description="post and counter complete only when delivery is confirmed"
    )
