"""What people ask of a running dossier: the inputs of its workflow updates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.calendar import WorkingCalendar
from models.credentials import Proof
from models.dossier import Comment, DocumentRef
from models.officer import OfficerId, OfficerIdentity
from models.procedure import MAX_COUNCIL, Identifier, Text

__all__ = [
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


class OfficerAction(BaseModel):
    """An officer's action on the dossier's current stage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    officer: OfficerIdentity
    proof: Proof | None = Field(default=None, description="the officer's signature (required)")
    action: ActionName
    comment: Comment = ""
    to_stage: Identifier | None = None
    missing: list[Text] = Field(
        default_factory=list, description="everything missing, for request_supplement"
    )
    documents: list[DocumentRef] = Field(default_factory=list)
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

    documents: list[DocumentRef] = Field(default_factory=list)
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


class RetryRequest(BaseModel):
    """An operator asks a dossier's failing activity to run again now, the cause being fixed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    officer: OfficerIdentity
    proof: Proof | None = Field(default=None, description="the officer's signature (required)")
    note: Comment = ""
