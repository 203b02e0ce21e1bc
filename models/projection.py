"""What the projection is told after each transition: the dossier row and the rows added since.

The workflow sends a `DossierChange` — the row's columns that follow the state, the actions,
documents, forms, record entries and stage visits added (or, for the last visit, changed) since
the last one it sent — rather than its whole state: a dossier's history then grows with what
happened, not with the square of it. Folding a dossier's changes in order gives the projection
as a whole (`fold`); `whole` turns a state (a query's answer, an update's result before receipts,
a projection recorded before changes existed) into the same shape, so the projection, `hoso
rebuild` and `hoso verify` read one kind of thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from models.calendar import close_of_day
from models.dossier import (
    CLOSED_STATUSES,
    Applicant,
    DocumentRef,
    DossierStatus,
    DossierSubmission,
)
from models.record import RecordEntry
from models.state import (
    ActionEntry,
    DossierState,
    FormRef,
    StageVisit,
    chair_awaited,
    voters_awaited,
)

T = TypeVar("T")


class DossierRow(BaseModel):
    """The dossier row's columns that follow the state (`hoso verify` compares them too)."""

    model_config = ConfigDict(frozen=True)

    status: str
    stage: str | None = None
    unit: str | None = None
    role: str | None = Field(default=None, description="the role the current stage waits for")
    stage_due_at: datetime | None = Field(default=None, description="the current stage's budget")
    received_at: datetime | None = None
    due_date: date | None = None
    original_due_date: date | None = None
    received_via: str = "online"
    outcome: str | None = None
    supplement_requests: int = 0
    suspended_days: int = 0
    late_stages: int = 0
    at_risk: bool = False
    overdue: bool = False
    apologized: bool = False
    on_time: bool | None = None
    closed_at: datetime | None = None
    fee_amount: int | None = Field(default=None, description="the fee paid, in đồng")
    fee_channel: str | None = Field(default=None, description="online | counter, once paid")
    fee_paid_at: datetime | None = None
    refund_owed: bool = False


class DossierOpening(BaseModel):
    """The dossier row's columns fixed at submission; sent with a dossier's first change."""

    model_config = ConfigDict(frozen=True)

    reference: str
    procedure_code: str
    procedure_version: int
    agency: str
    delivery: str
    applicant_name: str
    applicant_id_number: str
    applicant_address: str | None = None
    applicant_phone: str | None = None
    received_by: str | None = None
    submitted_at: datetime


class DossierChange(BaseModel):
    """The row now, and what was added since the dossier's previous change (all of it in a
    folded or whole change). Positions travel with the rows (`seq`, `n`), so a repeat adds
    nothing; `actions_total` tells a late repeat from the newest change."""

    model_config = ConfigDict(frozen=True)

    code: str
    opening: DossierOpening | None = None
    row: DossierRow
    actions_total: int = Field(ge=0, description="actions the dossier has, with these")
    actions: list[ActionEntry] = Field(default_factory=list)
    documents: list[DocumentRef] = Field(default_factory=list)
    forms: list[FormRef] = Field(default_factory=list)
    record: list[RecordEntry] = Field(default_factory=list)
    visits: list[StageVisit] = Field(
        default_factory=list, description="the visits from `visits_from` on, as they stand"
    )
    visits_from: int = Field(
        default=0,
        ge=0,
        description="the position of the first visit sent: the earlier ones stand as told before"
        " (a visit changes only while it is the last)",
    )
    awaiting_agencies: list[str] = Field(
        default_factory=list, description="the agencies the consultation still waits for"
    )
    voters_awaited: list[str] = Field(
        default_factory=list, description="the council members who have not voted yet"
    )
    chair_awaited: str | None = Field(
        default=None,
        description="the sitting council's chair once they have voted: it waits for their"
        " conclusion",
    )


@dataclass(frozen=True)
class Marks:
    """How far the projection was told: how many of each list's entries (those earlier runs
    left out of the state included) the changes carried."""

    actions: int = 0
    documents: int = 0
    forms: int = 0
    record: int = 0
    visits: int = 0

    @classmethod
    def of(cls, state: DossierState) -> Marks:
        return cls(
            state.actions_total(),
            len(state.documents),
            state.forms_total(),
            state.record_total(),
            len(state.visits),
        )


def added(items: list[T], total: int, told: int) -> list[T]:
    """The entries of `items` (the latest `len(items)` of `total`, plus any kept from before)
    added since the first `told`: the last `total - told`."""
    return items[len(items) - (total - told) :] if total > told else []


def row_of(state: DossierState) -> DossierRow:
    return DossierRow(
        status=state.status.value,
        stage=state.stage,
        unit=state.stage_unit,
        role=state.stage_role,
        stage_due_at=state.stage_due_at,
        received_at=state.received_at,
        due_date=state.due_date,
        original_due_date=state.original_due_date,
        received_via=state.received_via,
        outcome=state.outcome,
        supplement_requests=state.supplement_requests,
        suspended_days=state.suspended_days(),
        late_stages=sum(1 for visit in state.visits if visit.late),
        at_risk=state.at_risk,
        overdue=state.overdue,
        apologized=state.apology is not None,
        on_time=_on_time(state),
        closed_at=state.closed_at,
        **_fee(state),
    )


def _fee(state: DossierState) -> dict[str, object]:
    """The fee's columns, once paid (none for a dossier that pays nothing through hoso)."""
    payment = state.payment
    if payment is None or payment.paid_at is None:
        return {}
    return {
        "fee_amount": payment.amount,
        "fee_channel": payment.channel,
        "fee_paid_at": payment.paid_at,
        "refund_owed": payment.refund_owed,
    }


def _on_time(state: DossierState) -> bool | None:
    """Finished by its due date (as possibly re-set once by an apology); None while open."""
    if state.closed_at is None or state.due_date is None:
        return None
    return state.closed_at <= close_of_day(state.due_date)


def opening_of(submission: DossierSubmission) -> DossierOpening:
    return DossierOpening(
        reference=submission.reference,
        procedure_code=submission.procedure.code,
        procedure_version=submission.procedure.version,
        agency=submission.procedure.agency,
        delivery=submission.delivery.value,
        applicant_name=submission.applicant.name,
        applicant_id_number=submission.applicant.id_number,
        applicant_address=submission.applicant.address,
        applicant_phone=submission.applicant.phone,
        received_by=submission.received_by.id if submission.received_by else None,
        submitted_at=submission.submitted_at,
    )


def opening_from_state(state: DossierState, reference: str, applicant: Applicant) -> DossierOpening:
    """The same columns from a whole state (what `record_dossier` was sent before changes)."""
    return DossierOpening(
        reference=reference,
        procedure_code=state.procedure_code,
        procedure_version=state.procedure_version,
        agency=state.agency,
        delivery=state.delivery.value,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
        applicant_address=applicant.address,
        applicant_phone=applicant.phone,
        received_by=state.received_by,
        submitted_at=state.submitted_at,
    )


def change_since(
    state: DossierState, marks: Marks, opening: DossierOpening | None = None
) -> DossierChange:
    """The change to send now, the projection having been told up to `marks` (the last visit
    told may have changed since: it is sent again)."""
    since = max(marks.visits - 1, 0)
    return DossierChange(
        code=state.code,
        opening=opening,
        row=row_of(state),
        actions_total=state.actions_total(),
        actions=added(state.actions, state.actions_total(), marks.actions),
        documents=state.documents[marks.documents :],
        forms=added(state.forms, state.forms_total(), marks.forms),
        record=added(state.record, state.record_total(), marks.record),
        visits=state.visits[since:],
        visits_from=since,
        awaiting_agencies=state.awaiting_agencies,
        voters_awaited=voters_awaited(state),
        chair_awaited=chair_awaited(state),
    )


def whole(state: DossierState, opening: DossierOpening | None = None) -> DossierChange:
    """The whole state as one change (everything added since nothing)."""
    return change_since(state, Marks(), opening)


def fold(base: DossierChange | None, change: DossierChange) -> DossierChange:
    """`base` followed by `change`: the rows of both, the newer row and visits."""
    if base is None:
        return change
    return change.model_copy(
        update={
            "opening": change.opening or base.opening,
            "visits": visits_after(base.visits, change),
            "visits_from": 0,
            "actions": [*base.actions, *change.actions],
            "documents": [*base.documents, *change.documents],
            "forms": [*base.forms, *change.forms],
            "record": [*base.record, *change.record],
        }
    )


def visits_after(visits: list[StageVisit], change: DossierChange) -> list[StageVisit]:
    """The visits told so far (`visits`), then `change`'s (which replace those from its
    `visits_from` on)."""
    return [*visits[: change.visits_from], *change.visits]


def restored(state: DossierState, told: DossierChange | None) -> DossierState:
    """`state` (which earlier runs left entries out of) with every action, record entry and
    form again: those the projection was told of (`told`: every change folded, from the
    history), then the state's own not told yet. A state that holds all is returned as it is."""
    if state.holds_all() or told is None:
        return state
    seqs, ns = {a.seq for a in told.actions}, {e.n for e in told.record}
    forms = {(f.kind, f.sha256, f.issued_at) for f in told.forms}
    return state.model_copy(
        update={
            "actions": [*told.actions, *(a for a in state.actions if a.seq not in seqs)],
            "record": [*told.record, *(e for e in state.record if e.n not in ns)],
            "forms": [
                *told.forms,
                *(f for f in state.forms if (f.kind, f.sha256, f.issued_at) not in forms),
            ],
            "earlier": state.earlier.model_copy(update={"actions": 0, "record": 0, "forms": 0}),
        }
    )


def state_told(submission: DossierSubmission, told: DossierChange) -> DossierState:
    """The dossier's state as far as its projection was told (`told`: every change folded):
    where no whole state is at hand — no worker answers, and updates answer receipts. What the
    projection is not told (missing items, opinions, councils, suspensions, nonces) is empty."""
    row, procedure = told.row, submission.procedure
    stage = procedure.stage(row.stage) if row.stage else None
    visit = told.visits[-1] if told.visits else None
    return DossierState(
        code=submission.code,
        procedure_code=procedure.code,
        procedure_version=procedure.version,
        procedure_name=procedure.name,
        agency=procedure.agency,
        status=DossierStatus(row.status),
        delivery=submission.delivery,
        submitted_at=submission.submitted_at,
        received_at=row.received_at,
        due_date=row.due_date,
        original_due_date=row.original_due_date,
        received_via=row.received_via,
        received_by=submission.received_by.id if submission.received_by else None,
        stage=row.stage,
        stage_kind=stage.kind.value if stage else None,
        stage_role=getattr(stage, "role", None),
        stage_unit=row.unit,
        stage_due_at=visit.due_at if visit is not None and visit.left_at is None else None,
        awaiting_agencies=list(told.awaiting_agencies),
        documents=list(told.documents),
        actions=list(told.actions),
        visits=list(told.visits),
        supplement_requests=row.supplement_requests,
        outcome=row.outcome,
        forms=list(told.forms),
        closed_at=row.closed_at,
        at_risk=row.at_risk,
        overdue=row.overdue,
        record=list(told.record),
    )


# What waits for whom (the worklist): their stage, for the officers of its role, unit and
# agency; a consultation, for each agency not yet answered; a council, for each member yet to vote,
# and for its chair once they have voted (their conclusion).
STAGE, CONSULTATION, COUNCIL, CHAIR = "stage", "consultation", "council", "chair"
NEVER_DUE = date.max  # the sort key of a dossier without a due date yet: after every other


def stage_party(agency: str, unit: str, role: str) -> str:
    """The officers a stage waits for, as one key (identifiers hold no `/`)."""
    return f"{agency}/{unit}/{role}"


def waiting_of(change: DossierChange, agency: str) -> set[tuple[str, str, date]]:
    """(kind, party, due) of whatever waits on the dossier of `agency` now; none once closed."""
    row = change.row
    if row.status in {status.value for status in CLOSED_STATUSES}:
        return set()
    parties = [(CONSULTATION, a) for a in change.awaiting_agencies]
    parties += [(COUNCIL, member) for member in change.voters_awaited]
    if change.chair_awaited:
        parties.append((CHAIR, change.chair_awaited))
    if row.role and row.unit:
        parties.append((STAGE, stage_party(agency, row.unit, row.role)))
    due = row.due_date or NEVER_DUE
    return {(kind, party, due) for kind, party in parties}
