"""A dossier's fee payment (thanh toán phí, lệ phí) as it crosses the workflow boundary: an attempt
the applicant opens, and the payment the gateway confirmed (its IPN, believed by hoso's API)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from models.credentials import Proof

PaymentReference = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,64}$")]
"""A transaction reference (vnp_TxnRef): unique per attempt."""

PaymentText = Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9 ._:/-]*$")]


class PaymentChannel:
    """How a fee was paid: online through the gateway, or in cash at the counter (indicator 3.6
    counts the online share)."""

    online = "online"
    counter = "counter"


class PaymentOpening(BaseModel):
    """The applicant starts an attempt to pay: the dossier waits for this reference now (an
    earlier open one is superseded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: PaymentReference
    amount: int = Field(gt=0, description="in đồng")


class PaymentConfirmation(BaseModel):
    """The gateway says an attempt was paid; hoso's API checked its signature, amount, currency
    and reference against the open attempt before sending it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: PaymentReference
    amount: int = Field(gt=0, description="in đồng")
    transaction_number: PaymentText = ""
    bank: PaymentText = ""
    paid_at: datetime | None = None


class PaymentState(BaseModel):
    """The fee of a dossier that pays one: what it waits for, and how it was paid."""

    when: str = Field(description="before_reception | before_delivery")
    amount: int = Field(description="in đồng")
    requested_at: datetime | None = None
    pay_by: datetime | None = Field(default=None, description="unpaid then, the dossier ends")
    reference: str | None = Field(default=None, description="the open attempt's reference")
    paid_at: datetime | None = None
    channel: str | None = Field(default=None, description="online | counter, once paid")
    transaction_number: str | None = None
    refund_owed: bool = Field(default=False, description="paid, then refused or rejected")


class RefundStatement(BaseModel):
    """An operator's word that the fee of a paid attempt was paid back, signed with their token
    for the attempt's dossier (`update` "refund"): kept whole on the payment's row, so that a
    refund recorded cannot be forged in the database without the operator's key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: PaymentReference
    amount: int = Field(gt=0, description="in đồng, as the attempt was paid")
    note: str = Field(min_length=1, max_length=500, description="how it was paid back")
    proof: Proof | None = Field(default=None, description="the operator's signature")
