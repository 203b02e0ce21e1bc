"""Reading dossiers: an officer's view of one they may see, its timeline, and the applicant's
public status by code and lookup secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import select
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from config import Settings
from models.dossier import CLOSED_STATUSES, DocumentRef, DossierStatus
from models.payment import PaymentState
from models.procedure import DeliveryChannel
from models.projection import restored
from models.state import (
    ActionEntry,
    Apology,
    Council,
    DossierState,
    FormRef,
    Opinion,
    Suspension,
)
from models.tables import DossierRecord, SubmissionRecord
from operations.access import Caller, may_read
from operations.errors import NotFound
from support.calendars import calendar_for
from support.dossier_time import time_counts, time_fields
from support.ended_dossiers import end_reason, ended_of
from support.intake import Sessions
from support.rebuild import read_dossier
from support.stuck_dossiers import FAILING_ATTEMPTS
from workflows.dossier import DossierWorkflow

QUERY_TIMEOUT = timedelta(seconds=10)
NO_ANSWER = (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.UNAVAILABLE, RPCStatusCode.CANCELLED)


class TimeLine(BaseModel):
    """One line of a dossier's time, as its status shows it (e.g. `time left`: `3 working days`)."""

    name: str
    value: str


class DossierView(BaseModel):
    """Where a dossier is, for the officers who may see it (its record and nonces stay inside)."""

    code: str
    procedure_code: str
    procedure_version: int
    procedure_name: str
    agency: str
    status: DossierStatus
    delivery: DeliveryChannel
    received_via: str
    submitted_at: datetime
    received_at: datetime | None
    due_date: date | None
    original_due_date: date | None
    stage: str | None
    stage_kind: str | None
    stage_role: str | None
    stage_unit: str | None
    stage_due_at: datetime | None
    awaiting_agencies: list[str]
    missing: list[str]
    supplement_requests: int
    proposal: str | None
    outcome: str | None
    at_risk: bool
    overdue: bool
    closed_at: datetime | None
    documents: list[DocumentRef]
    actions: list[ActionEntry]
    opinions: list[Opinion]
    councils: list[Council]
    forms: list[FormRef]
    awaiting_confirmation: bool = Field(
        default=False, description="handed to the post or the counter, not yet delivered"
    )
    tracking: str | None = Field(default=None, description="the post's tracking number")
    suspensions: list[Suspension] = Field(default_factory=list)
    apology: Apology | None = None
    payment: PaymentState | None = Field(
        default=None, description="the fee, when its procedure's is paid through hoso"
    )
    failures: list[str] = Field(
        default_factory=list, description="side effects that failed for good (e.g. a notice)"
    )
    note: str | None = Field(
        default=None,
        description="set when the state is the one its history last recorded, not a worker's"
        " answer: why (no worker answered, its workflow task keeps failing)",
    )
    ended: str | None = Field(
        default=None,
        description="terminated | failed | timed_out | canceled: Temporal ended its workflow"
        " while the dossier was open; it takes no action (`note` says why)",
    )
    time: list[TimeLine] = Field(
        default_factory=list,
        description="its time in working days: used, left or late, suspensions, apology, flags",
    )
    working_days_used: int | None = Field(
        default=None, description="working days used so far, suspensions excluded"
    )
    working_days_left: int | None = Field(default=None, description="before the due date")
    working_days_late: int | None = Field(default=None, description="past the due date")

    @classmethod
    def of(cls, state: DossierState, settings: Settings) -> DossierView:
        """The view of `state`, its time counted on the working calendar of its year."""
        calendar = calendar_for(state.submitted_at, settings)
        rows = [TimeLine(name=name, value=value) for name, value in time_fields(state, calendar)]
        fields = state.model_dump(include=set(cls.model_fields) - {"time", "note", "ended"})
        counted = time_counts(state, calendar)
        if counted is not None:
            fields["working_days_used"], fields["working_days_left"] = counted[:2]
            fields["working_days_late"] = counted[2]
        return cls.model_validate({**fields, "time": rows})


class PublicStatus(BaseModel):
    """What the applicant reads with their code and secret: nothing personal."""

    code: str
    procedure_name: str
    status: DossierStatus
    due_date: date | None = Field(description="the appointment date on the receipt")
    missing: list[str] = Field(description="what the agency asked the applicant to supplement")
    closed_at: datetime | None
    result_online: bool = Field(
        default=False,
        description="the result (or refusal) was delivered online: download it from"
        " /api/v1/public/dossiers/{code}/result",
    )
    fee: int | None = Field(default=None, description="the fee in đồng, if paid through hoso")
    pay_by: datetime | None = Field(
        default=None, description="while awaiting_payment: unpaid then, the dossier ends"
    )
    fee_paid_at: datetime | None = Field(
        default=None,
        description="when the fee was paid; the receipt (biên lai) is at"
        " /api/v1/public/dossiers/{code}/payment-receipt once paid online",
    )
    refund_owed: bool = Field(default=False, description="paid, then refused: owed back")
    payment_receipt: bool = Field(default=False, description="the receipt of a fee paid online")


RESULT_KINDS = ("result", "refusal")


def online_result(state: DossierState) -> FormRef | None:
    """The decision's form, once delivered online (the applicant downloads it)."""
    if state.delivery != DeliveryChannel.online or state.status != DossierStatus.completed:
        return None
    return next((f for f in reversed(state.forms) if f.kind in RESULT_KINDS), None)


async def read_state(client: Client, code: str) -> DossierState:
    """The dossier's state (see `read_noted_state`). NotFound when there is no such dossier."""
    return (await read_noted_state(client, code)).state


@dataclass(frozen=True)
class NotedState:
    """A dossier's state; `note` says why it is the one its history last recorded, `ended` how
    Temporal ended its workflow while the dossier was open (None: it was not)."""

    state: DossierState
    note: str | None = None
    ended: str | None = None


async def read_noted_state(client: Client, code: str) -> NotedState:
    """The dossier's state: asked of a worker while it runs; read from its history when it is
    closed, ended, stuck, or no worker answers — then with a note saying so when it is not
    closed. NotFound when there is no such dossier."""
    handle = client.get_workflow_handle_for(DossierWorkflow.run, code)
    note = ended = None
    try:
        described = await handle.describe()
        failing = described.raw_description.pending_workflow_task.attempt
        running = described.status == WorkflowExecutionStatus.RUNNING
        ended = ended_of(described.status)
        if running and failing >= FAILING_ATTEMPTS:  # a query would wait behind the failing task
            note = f"its workflow task keeps failing (attempt {failing}; see `hoso stuck`)"
        elif running:
            try:
                answer = await handle.query(DossierWorkflow.state, rpc_timeout=QUERY_TIMEOUT)
                return NotedState(await whole_state(client, answer))
            except RPCError as exc:
                if exc.status not in NO_ANSWER:
                    raise
                note = f"no worker answered within {QUERY_TIMEOUT.seconds} s"
        state = (await read_dossier(client, code, live=False)).state
        if ended is not None and state is not None and state.status not in CLOSED_STATUSES:
            reason = await end_reason(client, code)
            note = f"Temporal {ended.replace('_', ' ')} its workflow ({reason}): it takes no action"
        else:
            ended = None
    except RPCError as exc:
        if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise NotFound(f"no dossier {code}") from None
        raise
    if state is None:
        raise NotFound(f"dossier {code} has no state yet")
    return NotedState(state, note and f"{note}; the state as its history last recorded it", ended)


async def whole_state(client: Client, state: DossierState) -> DossierState:
    """`state` with the actions, record entries and forms its earlier runs left to the history
    (a long dossier that continued as new), read back from there."""
    if state.holds_all():
        return state
    return restored(state, (await read_dossier(client, state.code, live=False)).projection)


async def readable_state(
    client: Client, caller: Caller, settings: Settings, code: str
) -> DossierState:
    """The dossier's state if the caller may see it; NotFound otherwise (never a 'forbidden',
    which would tell that the code exists)."""
    return (await _readable(client, caller, settings, code)).state


async def _readable(client: Client, caller: Caller, settings: Settings, code: str) -> NotedState:
    noted = await read_noted_state(client, code)
    if not may_read(caller, noted.state, settings):
        raise NotFound(f"no dossier {code}")
    return noted


async def dossier(client: Client, caller: Caller, settings: Settings, code: str) -> DossierView:
    noted = await _readable(client, caller, settings, code)
    view = DossierView.of(noted.state, settings)
    return view.model_copy(update={"note": noted.note, "ended": noted.ended})


# -- the applicant's lookup secret ----------------------------------------------------------


def new_lookup_secret() -> tuple[str, str]:
    """A random secret for the applicant (printed on the receipt) and its hash (kept)."""
    secret = secrets.token_urlsafe(24)
    return secret, lookup_hash(secret)


def lookup_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


_NO_SECRET = lookup_hash("")  # compared against when the code is unknown: the same work


def _secret_matches(sessions: Sessions, code: str, secret: str) -> bool:
    with sessions() as session:
        record = session.exec(select(SubmissionRecord).where(SubmissionRecord.code == code)).first()
    kept = record.lookup_secret_sha256 if record is not None else None
    matches = hmac.compare_digest(kept or _NO_SECRET, lookup_hash(secret))
    return kept is not None and bool(secret) and matches


async def public_state(client: Client, sessions: Sessions, code: str, secret: str) -> DossierState:
    """The dossier's state for whoever holds its code and lookup secret (never shown whole)."""
    if not _secret_matches(sessions, code, secret):
        raise NotFound("no dossier with this code and secret")
    return await read_state(client, code)


async def public_status(client: Client, sessions: Sessions, code: str, secret: str) -> PublicStatus:
    """The dossier's status for whoever holds its code and lookup secret; an unknown code and a
    wrong secret are the same NotFound."""
    state = await public_state(client, sessions, code, secret)
    return PublicStatus(
        code=state.code,
        procedure_name=state.procedure_name,
        status=state.status,
        due_date=state.due_date,
        missing=list(state.missing),
        closed_at=state.closed_at,
        result_online=online_result(state) is not None,
        **_fee(state),
    )


def _fee(state: DossierState) -> dict[str, Any]:
    payment = state.payment
    if payment is None:
        return {}
    return {
        "fee": payment.amount,
        "pay_by": payment.pay_by if payment.paid_at is None else None,
        "fee_paid_at": payment.paid_at,
        "refund_owed": payment.refund_owed,
        "payment_receipt": any(form.kind == "payment_receipt" for form in state.forms),
    }


# -- the applicant, for the officers who may read the dossier --------------------------------


class ApplicantView(BaseModel):
    """Who applied, as the projection keeps it (personal data: officers of the dossier only)."""

    name: str
    id_number: str
    phone: str | None
    address: str | None


async def dossier_and_applicant(
    client: Client, caller: Caller, settings: Settings, sessions: Sessions, code: str
) -> tuple[DossierView, ApplicantView | None]:
    """The dossier's view and its applicant (None until the projection has the dossier)."""
    view = await dossier(client, caller, settings, code)
    with sessions() as session:
        record = session.get(DossierRecord, code)
    if record is None:
        return view, None
    return view, ApplicantView(
        name=record.applicant_name,
        id_number=record.applicant_id_number,
        phone=record.applicant_phone,
        address=record.applicant_address,
    )
