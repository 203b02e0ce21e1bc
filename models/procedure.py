"""Procedures (thủ tục hành chính) and their review chains, as agencies define them in YAML."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
ProcedureCode = Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,9}){1,3}$")]
Text = Annotated[str, Field(min_length=1, max_length=500)]


class DeliveryChannel(StrEnum):
    """How the applicant receives the result (trả kết quả)."""

    online = "online"
    post = "post"
    counter = "counter"


class ServiceLevel(StrEnum):
    """Dịch vụ công trực tuyến toàn trình / một phần."""

    fully_online = "fully_online"
    partly_online = "partly_online"


class StageKind(StrEnum):
    reception = "reception"
    review = "review"
    consultation = "consultation"
    decision = "decision"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentSpec(Strict):
    """A document the procedure asks for (thành phần hồ sơ)."""

    kind: Identifier
    name: Text
    required: bool = True
    formats: list[Annotated[str, Field(pattern=r"^[a-z0-9]{1,8}$")]] = Field(min_length=1)


class StageBase(Strict):
    id: Identifier
    working_days: int = Field(ge=1, le=365, description="working-day budget of the stage")


class ReceptionStage(StageBase):
    """The one-stop officer checks completeness (tiếp nhận)."""

    kind: Literal[StageKind.reception]
    role: Identifier
    unit: Identifier


class ReviewStage(StageBase):
    """One role in one unit reviews and forwards, returns, proposes refusal or asks a supplement."""

    kind: Literal[StageKind.review]
    role: Identifier
    unit: Identifier
    return_to: Identifier | None = Field(
        default=None, description="default target of `return`; the previous stage when absent"
    )


class ConsultationStage(StageBase):
    """Several agencies give their opinion in parallel (lấy ý kiến)."""

    kind: Literal[StageKind.consultation]
    agencies: list[Identifier] = Field(min_length=1)
    on_timeout: Literal["proceed", "escalate"] = "proceed"


class DecisionStage(StageBase):
    """The competent leader signs the result or the refusal."""

    kind: Literal[StageKind.decision]
    role: Identifier
    unit: Identifier
    return_to: Identifier | None = None


Stage = Annotated[
    ReceptionStage | ReviewStage | ConsultationStage | DecisionStage,
    Field(discriminator="kind"),
]

ACTIONS: dict[StageKind, tuple[str, ...]] = {
    StageKind.reception: ("accept", "request_supplement", "refuse"),
    StageKind.review: ("approve", "return", "reject", "request_supplement"),
    StageKind.consultation: ("concur", "object"),
    StageKind.decision: ("approve", "return", "reject"),
}


class ChainError(ValueError):
    """A structural mistake in a chain, naming the stage and the field."""

    def __init__(self, stage: str, field: str, message: str) -> None:
        self.stage, self.field = stage, field
        self.more: list[ChainError] = []
        super().__init__(f"stage '{stage}', field '{field}': {message}")


class Procedure(Strict):
    """A procedure as published in the catalogue; `version` is set when it is published."""

    code: ProcedureCode
    name: Text
    agency: Identifier
    service: ServiceLevel
    working_days: int = Field(ge=1, le=365, description="statutory time limit in working days")
    fee: int = Field(default=0, ge=0, description="fee in VND")
    legal_basis: str | None = Field(default=None, max_length=1000)
    effective_from: date | None = None
    documents: list[DocumentSpec] = Field(min_length=1)
    delivery: list[DeliveryChannel] = Field(min_length=1)
    chain: list[Stage] = Field(min_length=2)
    version: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _check_chain(self) -> Procedure:
        check_chain(self)
        return self

    def stage(self, stage_id: str) -> Stage:
        for stage in self.chain:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def index(self, stage_id: str) -> int:
        return [s.id for s in self.chain].index(stage_id)


def check_chain(procedure: Procedure) -> None:
    """Raises ChainError for the chain's mistakes: the first, with the others in `.more`."""
    problems = list(chain_problems(procedure))
    if problems:
        first = problems[0]
        first.more = problems[1:]
        raise first


def chain_problems(procedure: Procedure) -> Iterator[ChainError]:
    seen: list[str] = []
    kinds = set()
    for doc in procedure.documents:
        if doc.kind in kinds:
            yield ChainError("-", "documents", f"document kind '{doc.kind}' is declared twice")
        kinds.add(doc.kind)
    total = 0
    for position, stage in enumerate(procedure.chain):
        last = position == len(procedure.chain) - 1
        if stage.id in seen:
            yield ChainError(stage.id, "id", "duplicate stage id")
        if position == 0 and stage.kind != StageKind.reception:
            yield ChainError(stage.id, "kind", "the first stage must be a reception stage")
        if position > 0 and stage.kind == StageKind.reception:
            yield ChainError(stage.id, "kind", "only the first stage may be a reception stage")
        if stage.kind == StageKind.decision and not last:
            yield ChainError(stage.id, "kind", "the decision stage must be the last stage")
        if last and stage.kind != StageKind.decision:
            yield ChainError(stage.id, "kind", "the last stage must be a decision stage")
        target = getattr(stage, "return_to", None)
        if target is not None and target not in seen:
            where = "after it" if target in _ids(procedure) else "not in the chain"
            yield ChainError(stage.id, "return_to", f"return target '{target}' is {where}")
        if isinstance(stage, ConsultationStage) and len(set(stage.agencies)) != len(stage.agencies):
            yield ChainError(stage.id, "agencies", "an agency is consulted twice")
        before, total = total, total + stage.working_days
        if before <= procedure.working_days < total:
            yield ChainError(
                stage.id,
                "working_days",
                f"stage budgets add up to {sum(s.working_days for s in procedure.chain)} working"
                f" days, over the statutory limit of {procedure.working_days} (passed here)",
            )
        seen.append(stage.id)


def _ids(procedure: Procedure) -> list[str]:
    return [stage.id for stage in procedure.chain]
