"""What people ask of a running dossier: the inputs of its workflow updates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from models.calendar import WorkingCalendar
from models.credentials import Proof
from models.dossier import Comment, DocumentRef
from models.officer import OfficerId, OfficerIdentity
from models.procedure import MAX_COUNCIL, Identifier, one_line

# What one action may add to a dossier: each input is bounded, so what an action adds to the
# history does not depend on what the sender chose to send (issue 22, item 3).
MAX_MISSING = 50
MAX_READMITTED = 500  # actions a reset re-sends
"""Items a supplement request may name (each a line of form 02)."""
MAX_MISSING_LENGTH = 300
MAX_ACTION_DOCUMENTS = 20
"""Documents one action or supplement may add."""
MAX_DOSSIER_DOCUMENTS = 400
"""Documents a dossier may hold in all (the submission's included): the validators refuse more."""
MAX_CALENDAR_YEARS = 10
MAX_CALENDAR_DAYS_A_YEAR = 60
"""Holidays and worked weekend days a year that a calendar pushed to a dossier may name."""
MissingItem = Annotated[
    str, Field(min_length=1, max_length=MAX_MISSING_LENGTH), AfterValidator(one_line)
]
ActionDocuments = Annotated[list[DocumentRef], Field(max_length=MAX_ACTION_DOCUMENTS)]

__all__ = [
    "MAX_ACTION_DOCUMENTS",
    "MAX_DOSSIER_DOCUMENTS",
    "MAX_MISSING",
    "MAX_MISSING_LENGTH",
    "ActionName",
    "CalendarChange",
    "Cancellation",
    "CouncilAppointment",
    "CouncilMember",
    "DeliveryConfirmation",
    "OfficerAction",
    "OfficerIdentity",
    "RetryRequest",
    "Supplement",
    "Withdrawal",
]

ActionName = Literal[
    "accept",
    "request_supplement",
    "refuse",
    "approve",
    "return",
    "reject",
    "concur",
    "object",
    "apologize",
    "convene",
    "pass",
    "pass_with_revisions",
    "fail",
    "conclude",
]


class CouncilMember(BaseModel):
    """A member of an appraisal council, as the officer convening it names them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: OfficerId
    expert: bool = Field(default=False, description="an expert (chuyên gia), not an official")


class CouncilAppointment(BaseModel):
    """Who sits on the dossier's appraisal council (quyết định thành lập hội đồng)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chair: OfficerId
    members: list[CouncilMember] = Field(min_length=1, max_length=MAX_COUNCIL)

    @model_validator(mode="after")
    def _check(self) -> CouncilAppointment:
        ids = [member.id for member in self.members]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"named twice in the council: {', '.join(twice)}")
        if self.chair not in ids:
            raise ValueError(f"the chair {self.chair} is not one of the council's members")
        return self

    @property
    def experts(self) -> int:
        return sum(1 for member in self.members if member.expert)


class CouncilVerdict(BaseModel):
    """The registry's answer on a council: None, or the member it cannot seat and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    refusal: str | None = None


class OfficerAction(BaseModel):
    """An officer's action on the dossier's current stage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    officer: OfficerIdentity
    proof: Proof | None = Field(default=None, description="the officer's signature (required)")
    action: ActionName
    comment: Comment = ""
    to_stage: Identifier | None = None
    missing: list[MissingItem] = Field(
        default_factory=list,
        max_length=MAX_MISSING,
        description="everything missing, for request_supplement",
    )
    documents: ActionDocuments = Field(default_factory=list)
    new_due_date: date | None = Field(
        default=None, description="for apologize: the new appointment date (form 04)"
    )
    council: CouncilAppointment | None = Field(
        default=None, description="for convene: the council's members and chair"
    )
    # Added after actions were first signed: left out of what is signed while unset, so the
    # signatures of older actions still verify when their dossiers replay.
    SIGNED_WHEN_SET: ClassVar[tuple[str, ...]] = ("council",)


class Supplement(BaseModel):
    """The applicant's answer to a supplement request (bổ sung hồ sơ), received by an officer of
    the one-stop unit (at the counter) or by the agency's portal account."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    officer: OfficerIdentity | None = Field(default=None, description="who received it")
    proof: Proof | None = Field(default=None, description="the receiver's signature (required)")

    documents: ActionDocuments = Field(default_factory=list)
    note: Comment = ""


class Withdrawal(BaseModel):
    """The applicant withdraws the dossier: the request received as a supplement is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    officer: OfficerIdentity | None = Field(default=None, description="who received it")
    proof: Proof | None = Field(default=None, description="the receiver's signature (required)")

    reason: Comment = ""


class Cancellation(BaseModel):
    """An operator cancels the dossier, with a reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    officer: OfficerIdentity
    proof: Proof | None = Field(default=None, description="the officer's signature (required)")
    reason: Annotated[Comment, Field(min_length=1)]


class DeliveryConfirmation(BaseModel):
    """The post confirmed delivery, or the applicant collected the result at the counter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    officer: OfficerIdentity
    proof: Proof | None = Field(default=None, description="the officer's signature (required)")
    note: Comment = ""


class CalendarChange(BaseModel):
    """An operator pushes a newly announced calendar (holidays, swapped days) to a dossier."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    officer: OfficerIdentity
    proof: Proof | None = Field(default=None, description="the officer's signature (required)")
    calendar: WorkingCalendar

    @model_validator(mode="after")
    def _bounded(self) -> CalendarChange:
        years = self.calendar.last_year - self.calendar.first_year + 1
        if not 1 <= years <= MAX_CALENDAR_YEARS:
            raise ValueError(f"a calendar covers 1 to {MAX_CALENDAR_YEARS} years, not {years}")
        days = len(self.calendar.holidays) + len(self.calendar.working_weekends)
        if days > MAX_CALENDAR_DAYS_A_YEAR * years:
            raise ValueError(
                f"a calendar names at most {MAX_CALENDAR_DAYS_A_YEAR} days a year, not {days}"
                f" over {years}"
            )
        return self


class ResetRequest(BaseModel):
    """An operator asks for a stuck dossier's reset (Temporal's reset to its last good point),
    signed in their browser as an action is (update name `unstick`): hoso's API checks the
    signature before it resets; the dossier never receives it (its note, signed next, is a
    `RetryRequest`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    officer: OfficerIdentity
    proof: Proof | None = Field(default=None, description="the operator's signature (required)")
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class RetryRequest(BaseModel):
    """An operator asks a dossier's failing activity to run again now, the cause being fixed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    officer: OfficerIdentity
    proof: Proof | None = Field(default=None, description="the officer's signature (required)")
    note: Comment = ""
    readmit: list[Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]] | None = Field(
        default=None,
        max_length=MAX_READMITTED,
        description="after a reset: the nonces of the officers' actions it re-sends, admitted"
        " once more although signed before their signature's lifetime",
    )
    # Added after retries were first signed: left out of what is signed while unset.
    SIGNED_WHEN_SET: ClassVar[tuple[str, ...]] = ("readmit",)
