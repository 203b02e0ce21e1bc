"""What people ask of a running dossier: the inputs of its workflow updates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from models.calendar import WorkingCalendar
from models.credentials import Proof
from models.dossier import Comment, DocumentRef
from models.officer import OfficerIdentity
from models.procedure import Identifier, Text

__all__ = [
    "ActionName",
    "CalendarChange",
    "Cancellation",
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
]


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
