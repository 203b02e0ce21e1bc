"""What a dossier query returns: its whole state at this moment."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from models.dossier import DocumentRef, DossierStatus
from models.payment import PaymentState
from models.procedure import DeliveryChannel
from models.record import FormSeal, RecordEntry


class ActionEntry(BaseModel):
    """One accepted action, as the control sheet shows it."""

    seq: int
    stage: str | None
    action: str
    actor: str = Field(description="officer id, or 'applicant' / 'system'")
    role: str | None = None
    unit: str | None = None
    agency: str | None = None
    comment: str = ""
    to_stage: str | None = None
    at: datetime


class Opinion(BaseModel):
    """A consulted agency's answer; `silent` when its deadline passed and silence is consent."""

    agency: str
    stage: str | None = None
    opinion: str = Field(description="concur | object | silent")
    officer: str | None = None
    comment: str = ""
    at: datetime


class CouncilVote(BaseModel):
    """A council member's vote: pass, pass_with_revisions or fail."""

    member: str
    verdict: str
    comment: str = ""
    at: datetime


class Council(BaseModel):
    """An appraisal council convened for the dossier at a council stage, and its votes."""

    stage: str
    convened_by: str
    convened_at: datetime
    chair: str
    members: list[str]
    experts: list[str] = Field(default_factory=list)
    votes: list[CouncilVote] = Field(default_factory=list)
    outcome: str | None = Field(
        default=None, description="pass | pass_with_revisions | fail, or dissolved (left undecided)"
    )
    decided_at: datetime | None = None


class StageVisit(BaseModel):
    """A stage entered and left, for the control sheet."""

    stage: str
    entered_at: datetime
    due_at: datetime | None = None
    left_at: datetime | None = None
    outcome: str | None = None
    late: bool = Field(default=False, description="passed its working-day budget")


class Suspension(BaseModel):
    """Time the dossier waited for the applicant: its clock stopped (tạm dừng tính thời hạn)."""

    stage: str | None
    started_at: datetime
    ended_at: datetime | None = None
    working_days: int = 0
    reason: str = Field(
        default="supplement", description="supplement | revisions (asked by a council)"
    )


class Apology(BaseModel):
    """The apology with a new appointment date (form 04); at most one per dossier."""

    officer: str
    reason: str
    previous_due_date: date
    new_due_date: date
    at: datetime


class FormRef(BaseModel):
    """A form issued to the dossier (receipt, supplement request, refusal, result …)."""

    kind: str
    sha256: str
    issued_at: datetime
    seal: FormSeal | None = Field(default=None, description="the agency's seal over the form")


class Earlier(BaseModel):
    """What a long dossier's earlier runs no longer hold in its state: the entries they left to
    the record and the projection (and the history) when they continued as new, counted here so
    that numbering and sums go on. Empty for a dossier that never continued."""

    actions: int = Field(default=0, ge=0, description="control-sheet rows left out")
    record: int = Field(default=0, ge=0, description="record entries left out")
    forms: int = Field(default=0, ge=0, description="forms left out")
    suspensions: int = Field(default=0, ge=0, description="ended suspensions left out")
    suspended_days: int = Field(default=0, ge=0, description="their working days")
    actors: list[str] = Field(
        default_factory=list, description="who acted in the rows left out (who held the dossier)"
    )


class DossierState(BaseModel):
    code: str
    procedure_code: str
    procedure_version: int
    procedure_name: str
    agency: str
    status: DossierStatus
    delivery: DeliveryChannel
    submitted_at: datetime
    received_at: datetime | None = None
    due_date: date | None = None
    original_due_date: date | None = None
    received_via: str = "online"
    received_by: str | None = Field(default=None, description="the counter officer's id")
    stage: str | None = None
    stage_kind: str | None = None
    stage_role: str | None = None
    stage_unit: str | None = None
    stage_due_at: datetime | None = None
    awaiting_agencies: list[str] = Field(default_factory=list)
    documents: list[DocumentRef] = Field(default_factory=list)
    actions: list[ActionEntry] = Field(default_factory=list)
    opinions: list[Opinion] = Field(default_factory=list)
    councils: list[Council] = Field(default_factory=list)
    visits: list[StageVisit] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    supplement_requests: int = 0
    proposal: str | None = None
    outcome: str | None = Field(default=None, description="approved | rejected | refused | …")
    forms: list[FormRef] = Field(default_factory=list)
    closed_at: datetime | None = None
    awaiting_confirmation: bool = Field(
        default=False, description="handed to the post or the counter, not yet delivered"
    )
    tracking: str | None = None
    suspensions: list[Suspension] = Field(default_factory=list)
    apology: Apology | None = None
    at_risk: bool = False
    overdue: bool = False
    payment: PaymentState | None = Field(
        default=None, description="the fee, for a procedure whose fee is paid through hoso"
    )
    failures: list[str] = Field(
        default_factory=list, description="side effects that failed for good (e.g. a notice)"
    )
    nonces: list[str] = Field(
        default_factory=list, description="nonces of the signed actions accepted (no replay)"
    )
    record: list[RecordEntry] = Field(
        default_factory=list,
        description="the tamper-evident record: every action, document, form (its latest"
        " entries once the dossier continued as new: `earlier`)",
    )
    earlier: Earlier = Field(
        default_factory=Earlier,
        description="what earlier runs left to the record, the projection and the history",
    )

    def holds_all(self) -> bool:
        """Every action, record entry and form is in this state (suspensions left out are
        summed in `earlier`)."""
        earlier = self.earlier
        return earlier.actions == earlier.record == earlier.forms == 0

    def actions_total(self) -> int:
        return self.earlier.actions + len(self.actions)

    def forms_total(self) -> int:
        return self.earlier.forms + len(self.forms)

    def record_total(self) -> int:
        return self.earlier.record + len(self.record)

    def suspended_days(self) -> int:
        """Working days the dossier's clock stood still, in every suspension so far."""
        return self.earlier.suspended_days + sum(s.working_days for s in self.suspensions)

    def acted(self, officer: str) -> bool:
        """The officer acted on the dossier (held one of its stages)."""
        return officer in self.earlier.actors or any(a.actor == officer for a in self.actions)


def sitting_council(state: DossierState) -> Council | None:
    """The council convened at the dossier's current stage that has not decided yet."""
    if state.councils and state.councils[-1].stage == state.stage:
        council = state.councils[-1]
        return council if council.outcome is None else None
    return None


def chair_awaited(state: DossierState) -> str | None:
    """The chair of the sitting council once they have voted while others have not: the
    council waits for their conclusion (once a quorum has voted) or the last votes."""
    council = sitting_council(state)
    if council is None:
        return None
    voted = {vote.member for vote in council.votes}
    if council.chair in voted and len(voted) < len(council.members):
        return council.chair
    return None


def voters_awaited(state: DossierState) -> list[str]:
    """The members of the sitting council who have not voted yet: their worklist."""
    council = sitting_council(state)
    if council is None:
        return []
    voted = {vote.member for vote in council.votes}
    return [member for member in council.members if member not in voted]
