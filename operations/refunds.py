"""Payments for operators: the attempts of the dossiers of their scope, the gateway answers hoso
refused (forged, unknown, wrong amount), and the refunds owed and made.

A dossier refused or rejected after it paid owes the fee back (its workflow says so: the
dossier row's `refund_owed`); an operator who paid it back records it here, on the payment's row
(its time, the operator and a note), with the statement they signed with their token
(`RefundStatement`, support/refund_statements.py): every listing checks it again, so a refund
written into the database by anyone else shows as not signed by its operator.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from pydantic import BaseModel, Field
from sqlmodel import col, select

from activities.keys import load_public_keys
from models.payment import RefundStatement
from models.payment_records import PaymentRecord, PaymentRefusalRecord
from models.tables import DossierRecord
from operations.access import Caller, readable_agencies, utc_now
from operations.errors import Conflict, NotFound
from operations.mending import require_operator
from operations.services import Services
from support.refund_statements import freshness_problem, row_problem, signature_problem

log = structlog.get_logger()
MAX_LISTED = 500


class InvalidRefund(ValueError):
    """A refund statement that is not the caller's, signed now, for the refund it records."""


class PaymentView(BaseModel):
    """One attempt to pay a dossier's fee, as its row holds it."""

    reference: str
    dossier_code: str
    procedure_code: str
    agency: str
    amount: int = Field(description="in đồng")
    status: str = Field(description="open | paid | superseded | failed")
    created_at: datetime
    transaction_number: str | None
    bank: str | None
    paid_at: datetime | None
    refund_owed: bool
    refund_made_at: datetime | None
    refund_made_by: str | None
    refund_note: str | None
    refund_problem: str | None = Field(
        default=None,
        description="a refund recorded that is not the one its operator signed: why (null when"
        " there is no refund, or it checks out)",
    )

    @classmethod
    def of(cls, row: PaymentRecord, issuers: dict[str, str], owed: bool = False) -> PaymentView:
        view = cls.model_validate(row, from_attributes=True)
        return view.model_copy(
            update={
                "refund_owed": row.refund_owed or owed,
                "refund_problem": row_problem(row, issuers),
            }
        )


class IpnRefusal(BaseModel):
    """A gateway answer hoso refused, with the code it answered."""

    at: datetime
    answer: str = Field(description="01 order not found, 04 invalid amount, 97 invalid signature…")
    reason: str
    reference: str | None
    dossier_code: str | None
    remote: str | None


def _owed_dossiers(services: Services, codes: set[str]) -> set[str]:
    with services.sessions() as session:
        rows = session.exec(
            select(DossierRecord.code).where(
                col(DossierRecord.code).in_(codes), DossierRecord.refund_owed
            )
        )
        return set(rows)


def payments(
    caller: Caller,
    services: Services,
    *,
    dossier: str | None = None,
    status: str | None = None,
    refund_owed: bool = False,
) -> list[PaymentView]:
    """The attempts of the caller's scope, newest first; `refund_owed`: only the paid ones whose
    refund is owed and not made yet."""
    require_operator(caller)
    agencies = readable_agencies(caller, services.settings)
    query = select(PaymentRecord).order_by(col(PaymentRecord.created_at).desc())
    if agencies is not None:
        query = query.where(col(PaymentRecord.agency).in_(agencies))
    if dossier:
        query = query.where(PaymentRecord.dossier_code == dossier)
    if status or refund_owed:
        query = query.where(PaymentRecord.status == ("paid" if refund_owed else status))
    with services.sessions() as session:
        rows = list(session.exec(query.limit(MAX_LISTED)))
    owed = _owed_dossiers(services, {row.dossier_code for row in rows})
    issuers = load_public_keys(services.settings.resolved_keys_dir, "issuer")
    views = [PaymentView.of(row, issuers, row.dossier_code in owed) for row in rows]
    if refund_owed:
        views = [v for v in views if v.refund_owed and v.refund_made_at is None]
    return views


def ipn_refusals(caller: Caller, services: Services, *, hours: int = 24) -> list[IpnRefusal]:
    """The gateway answers refused in the last `hours`, newest first. Refusals name a dossier
    only when their reference is an attempt's: those out of the caller's scope are left out
    (a province-wide operator also sees those of no dossier: forged ones)."""
    require_operator(caller)
    agencies = readable_agencies(caller, services.settings)
    since = utc_now() - timedelta(hours=hours)
    query = (
        select(PaymentRefusalRecord)
        .where(PaymentRefusalRecord.at >= since)
        .order_by(col(PaymentRefusalRecord.at).desc())
        .limit(MAX_LISTED)
    )
    with services.sessions() as session:
        rows = list(session.exec(query))
        scope = {
            code: agency
            for code, agency in session.exec(
                select(PaymentRecord.dossier_code, PaymentRecord.agency).where(
                    col(PaymentRecord.dossier_code).in_({r.dossier_code for r in rows})
                )
            )
        }
    return [
        IpnRefusal.model_validate(row, from_attributes=True)
        for row in rows
        if agencies is None or scope.get(row.dossier_code or "") in agencies
    ]


def payment(caller: Caller, services: Services, reference: str) -> PaymentView:
    """One attempt of the caller's scope (NotFound otherwise): what a refund is signed for."""
    require_operator(caller)
    with services.sessions() as session:
        row = _reached(caller, services, session.get(PaymentRecord, reference), reference)
        owed = _owed_dossiers(services, {row.dossier_code})
    issuers = load_public_keys(services.settings.resolved_keys_dir, "issuer")
    return PaymentView.of(row, issuers, row.dossier_code in owed)


def _reached(
    caller: Caller, services: Services, row: PaymentRecord | None, reference: str
) -> PaymentRecord:
    agencies = readable_agencies(caller, services.settings)
    if row is None or (agencies is not None and row.agency not in agencies):
        raise NotFound(f"no payment {reference}")
    return row


def _statement_problem(
    caller: Caller, row: PaymentRecord, statement: RefundStatement
) -> str | None:
    """Why the statement sent is not the caller's, signed now, for this very refund."""
    proof = statement.proof
    if proof is None:
        return "the refund is not signed: sign it with your token (`hoso payments refund`)"
    if proof.certificate.token_id != caller.token_id or proof.certificate.officer != caller.officer:
        return "the refund is signed with another token than the request's"
    if (statement.reference, statement.amount) != (row.reference, row.amount):
        return (
            f"the statement is for {statement.reference} ({statement.amount} đồng), not"
            f" {row.reference} ({row.amount} đồng)"
        )
    return signature_problem(statement, row.dossier_code) or freshness_problem(proof, utc_now())


def record_refund(
    caller: Caller, services: Services, reference: str, statement: RefundStatement
) -> PaymentView:
    """The operator paid the fee of `reference` back: on its row, once, with the statement
    they signed (refused, nothing kept, when it is not theirs, not for this refund or stale)."""
    require_operator(caller)
    with services.sessions() as session:
        row = _reached(caller, services, session.get(PaymentRecord, reference), reference)
        owed = row.refund_owed or bool(_owed_dossiers(services, {row.dossier_code}))
        if row.status != "paid" or not owed:
            raise Conflict(f"payment {reference} owes no refund")
        if row.refund_made_at is not None:
            raise Conflict(
                f"the refund of payment {reference} was recorded by {row.refund_made_by}"
                f" at {row.refund_made_at:%Y-%m-%d %H:%M} UTC"
            )
        problem = _statement_problem(caller, row, statement)
        if problem is not None:
            raise InvalidRefund(problem)
        row.refund_owed = True
        row.refund_made_at = utc_now()
        row.refund_made_by = caller.officer.id
        row.refund_note = statement.note
        row.refund_statement = statement.model_dump(mode="json")
        session.add(row)
        session.commit()
        session.refresh(row)
        log.info("refund_recorded", dossier=row.dossier_code, reference=reference)
    return PaymentView.of(row, load_public_keys(services.settings.resolved_keys_dir, "issuer"))
