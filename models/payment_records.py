"""The payments' tables: the edge's own record of every attempt to pay a fee online, and of the
gateway answers hoso did not believe. Not rebuildable from the histories (the workflow holds only
the attempt it waits for and the one that paid)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

PAYMENT_STATUSES = ("open", "paid", "superseded", "failed")


class PaymentRecord(SQLModel, table=True):
    """One attempt to pay a dossier's fee through the gateway (its transaction reference is
    unique): `open` until the gateway's IPN says `paid` or `failed`, or a newer attempt of the
    same dossier `superseded` it; one still open after a while is asked of the gateway (querydr),
    whose answer settles it as its IPN would have. A dossier refused after it paid owes the refund
    (`refund_owed`), until an operator records it made."""

    __tablename__ = "payment"

    reference: str = Field(primary_key=True, description="vnp_TxnRef, one per attempt")
    dossier_code: str = Field(index=True)
    procedure_code: str = Field(index=True)
    agency: str = Field(index=True)
    amount: int = Field(description="in đồng")
    status: str = Field(index=True, description="open | paid | superseded | failed")
    created_at: datetime
    transaction_number: str | None = Field(default=None, description="the gateway's own number")
    bank: str | None = None
    response_code: str | None = Field(default=None, description="the gateway's, when it failed")
    paid_at: datetime | None = Field(default=None, index=True)
    refund_owed: bool = False
    refund_made_at: datetime | None = None
    refund_made_by: str | None = Field(default=None, description="the operator who recorded it")
    refund_note: str | None = None
    refund_statement: dict | None = Field(  # type: ignore[type-arg]
        default=None,
        sa_type=JSON,
        description="the operator's signed RefundStatement (models/payment.py)",
    )
    queried_at: datetime | None = Field(
        default=None, description="when hoso last asked the gateway about it (querydr)"
    )


class PaymentRefusalRecord(SQLModel, table=True):
    """A gateway answer (IPN) hoso refused: forged, for no open attempt, for another amount.
    Kept for operators; the parameters are kept as sent (no personal data: the gateway's)."""

    __tablename__ = "payment_refusal"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    answer: str = Field(description="the RspCode hoso answered: 01, 04, 97, 99")
    reason: str
    reference: str | None = Field(default=None, index=True)
    dossier_code: str | None = None
    remote: str | None = Field(default=None, description="the address the IPN came from")
    params: dict = Field(default_factory=dict, sa_type=JSON)  # type: ignore[type-arg]
