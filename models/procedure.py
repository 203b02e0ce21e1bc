"""Procedures (thủ tục hành chính) and their review chains, as agencies define them in YAML."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

# --- text from outside ---------------------------------------------------------------------------
# Every free text a person or a file gives hoso is NFC-normalised (Vietnamese letters have two
# Unicode spellings; one of them must not make two names differ) and refused when it holds
# characters that hide or disguise what a reader sees: control characters (terminal escapes, NUL),
# bidirectional overrides (text that reads backwards: "Trojan Source"), lone surrogates, and, in
# names, invisible format characters (zero-width spaces, BOM).

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
LINE_BREAKS = frozenset("\t\n\r")
TAGS = range(0xE0000, 0xE0080)  # invisible "tag" letters: text smuggled past a reader


def _check_text(value: str, *, multiline: bool) -> str:
    text = unicodedata.normalize("NFC", value)
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp") and not (multiline and char in LINE_BREAKS):
            what = "a control character"
        elif char in BIDI_CONTROLS:
            what = "a bidirectional control character"
        elif category == "Cs":
            what = "a lone surrogate"
        elif category == "Cf" and (not multiline or ord(char) in TAGS):
            what = "an invisible format character"
        else:
            continue
        raise ValueError(f"contains {what} (U+{ord(char):04X})")
    return text


def one_line(value: str) -> str:
    """A single line of text: NFC, trimmed, not blank, no control or invisible characters."""
    text = _check_text(value, multiline=False).strip()
    if not text:
        raise ValueError("is blank")
    return text


def free_text(value: str) -> str:
    """Text that may span lines (comments, reasons): NFC; tabs and line breaks are the only
    control characters; no bidirectional controls (zero-width joiners of emoji may stay)."""
    return _check_text(value, multiline=True)


Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
ProcedureCode = Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,9}){1,3}$")]
Text = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(one_line)]

# Formats whose content hoso can check against the name (magic bytes): a procedure may only ask
# for these, so no document enters the store unchecked. `jpeg` is written `jpg`.
DOCUMENT_FORMATS = (
    "pdf", "png", "jpg", "gif", "tif", "tiff", "docx", "xlsx", "pptx", "odt", "ods", "odp",
    "doc", "xls", "ppt", "dwg", "zip",
)  # fmt: skip
MAX_DOCUMENT_KINDS = 50
MAX_STAGES = 40
MAX_AGENCIES = 30
MAX_COUNCIL = 50


def known_format(value: str) -> str:
    if value not in DOCUMENT_FORMATS:
        raise ValueError(
            f"unknown document format '{value}' (hoso checks the content of: "
            f"{', '.join(DOCUMENT_FORMATS)})"
        )
    return value


Format = Annotated[str, Field(pattern=r"^[a-z0-9]{1,8}$"), AfterValidator(known_format)]


class DeliveryChannel(StrEnum):
    """How the applicant receives the result (trả kết quả)."""

    online = "online"
    post = "post"
    counter = "counter"


class ServiceLevel(StrEnum):
    """Dịch vụ công trực tuyến toàn trình / một phần."""

    fully_online = "fully_online"
    partly_online = "partly_online"


class FeePayment(StrEnum):
    """When a procedure's fee is paid: not at all, before the dossier is received (its due date
    runs from the payment), or before its result is delivered."""

    none = "none"
    before_reception = "before_reception"
    before_delivery = "before_delivery"


class StageKind(StrEnum):
    reception = "reception"
    review = "review"
    consultation = "consultation"
    council = "council"
    decision = "decision"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Confidentiality(StrEnum):
    """Who may read a document of a dossier, among those who may read the dossier.

    `public` and `internal`: every officer who reads the dossier (its agency, a consulted
    agency, the operators of its scope); `confidential`: only the officers who hold or held its
    stages (they act or acted on it) and the leaders of its agency."""

    public = "public"
    internal = "internal"
    confidential = "confidential"


class DocumentSpec(Strict):
    """A document the procedure asks for (thành phần hồ sơ)."""

    kind: Identifier
    name: Text
    required: bool = True
    formats: list[Format] = Field(min_length=1, max_length=len(DOCUMENT_FORMATS))
    confidentiality: Confidentiality | None = Field(
        default=None, description="this document's level; absent: the procedure's"
    )


class StageBase(Strict):
    id: Identifier
    name: Text | None = Field(
        default=None,
        description="what the applicant reads, e.g. Tiếp nhận hồ sơ (required in files)",
    )
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
    agencies: list[Identifier] = Field(min_length=1, max_length=MAX_AGENCIES)
    on_timeout: Literal["proceed", "escalate"] = "proceed"


def share(value: str) -> str:
    """A share written as a fraction, `2/3`: exact, unlike 0.67, and read as the law says it."""
    numerator, _, denominator = value.partition("/")
    if int(denominator) == 0 or int(numerator) > int(denominator):
        raise ValueError(f"'{value}' is not a share between 0 and 1")
    return value


Share = Annotated[str, Field(pattern=r"^[0-9]{1,3}/[0-9]{1,3}$"), AfterValidator(share)]


class CouncilStage(StageBase):
    """An appraisal council (hội đồng thẩm định): the stage's officer convenes it for the dossier,
    naming its members and chair; the members vote `pass`, `pass_with_revisions` or `fail`."""

    kind: Literal[StageKind.council]
    role: Identifier = Field(description="who convenes the council (its standing office)")
    unit: Identifier
    min_members: int = Field(ge=3, le=MAX_COUNCIL, description="EIA: at least 7")
    expert_share: Share = Field(default="0/1", description="EIA: at least 1/3 experts")
    quorum: Share = Field(default="2/3", description="votes needed, the chair's among them")
    return_to: Identifier | None = None


class DecisionStage(StageBase):
    """The competent leader signs the result or the refusal."""

    kind: Literal[StageKind.decision]
    role: Identifier
    unit: Identifier
    return_to: Identifier | None = None


Stage = Annotated[
    ReceptionStage | ReviewStage | ConsultationStage | CouncilStage | DecisionStage,
    Field(discriminator="kind"),
]

VERDICTS = ("pass", "pass_with_revisions", "fail")  # a council member's vote
ACTIONS: dict[StageKind, tuple[str, ...]] = {
    StageKind.reception: ("accept", "request_supplement", "refuse"),
    StageKind.review: ("approve", "return", "reject", "request_supplement"),
    StageKind.consultation: ("concur", "object"),
    StageKind.council: ("convene", *VERDICTS, "conclude", "return"),
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
    fee_payment: FeePayment | None = Field(
        default=None,
        description="when the fee is paid (required at load when the fee is above 0; absent in"
        " procedures published before payments: none)",
    )
    payment_working_days: int | None = Field(
        default=None,
        ge=1,
        le=60,
        description="working days the applicant has to pay before the dossier ends unpaid",
    )
    legal_basis: Annotated[str, Field(max_length=1000), AfterValidator(free_text)] | None = None
    effective_from: date | None = None
    documents: list[DocumentSpec] = Field(min_length=1, max_length=MAX_DOCUMENT_KINDS)
    delivery: list[DeliveryChannel] = Field(min_length=1, max_length=len(DeliveryChannel))
    chain: list[Stage] = Field(min_length=2, max_length=MAX_STAGES)
    confidentiality: Confidentiality = Field(
        default=Confidentiality.internal,
        description="the level of its documents, unless a document says otherwise",
    )
    separation_waived: (
        Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(one_line)] | None
    ) = Field(
        default=None,
        description="why the law lets one officer both receive and decide a dossier of this"
        " procedure (its legal basis); absent, a chain whose reception and decision stages one"
        " officer could hold is refused at publication",
    )
    version: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _check_chain(self) -> Procedure:
        check_chain(self)
        return self

    def confidentiality_of(self, kind: str) -> Confidentiality:
        """The level of the documents of `kind` (the procedure's for a kind it does not list:
        a document an officer added to an action)."""
        spec = next((d for d in self.documents if d.kind == kind), None)
        return (spec.confidentiality if spec else None) or self.confidentiality

    @property
    def payment(self) -> FeePayment:
        """When this procedure's fee is paid (none for procedures published before payments)."""
        return self.fee_payment or FeePayment.none

    def stage(self, stage_id: str) -> Stage:
        for stage in self.chain:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def index(self, stage_id: str) -> int:
        return [s.id for s in self.chain].index(stage_id)

    def stage_name(self, stage_id: str) -> str:
        """The stage's display name; its id when it has none (published before names)."""
        try:
            return self.stage(stage_id).name or stage_id
        except KeyError:
            return stage_id


def check_chain(procedure: Procedure) -> None:
    """Raises ChainError for the chain's mistakes: the first, with the others in `.more`."""
    problems = list(chain_problems(procedure))
    if problems:
        first = problems[0]
        first.more = problems[1:]
        raise first


def chain_problems(procedure: Procedure) -> Iterator[ChainError]:
    yield from _fee_problems(procedure)
    kinds: set[str] = set()
    for doc in procedure.documents:
        if doc.kind in kinds:
            yield ChainError("-", "documents", f"document kind '{doc.kind}' is declared twice")
        kinds.add(doc.kind)
    seen: list[str] = []
    total = 0
    for position, stage in enumerate(procedure.chain):
        if stage.id in seen:
            yield ChainError(stage.id, "id", "duplicate stage id")
        yield from _place_problems(procedure, position, stage)
        yield from _stage_problems(procedure, stage, seen)
        before, total = total, total + stage.working_days
        if before <= procedure.working_days < total:
            yield ChainError(
                stage.id,
                "working_days",
                f"stage budgets add up to {sum(s.working_days for s in procedure.chain)} working"
                f" days, over the statutory limit of {procedure.working_days} (passed here)",
            )
        seen.append(stage.id)


def _fee_problems(procedure: Procedure) -> Iterator[ChainError]:
    """A payment needs a fee to pay and a time limit to pay it in (and only then)."""
    paid = procedure.payment != FeePayment.none
    if paid and procedure.fee == 0:
        yield ChainError(
            "-", "fee_payment", f"a fee of 0 cannot require payment ({procedure.payment})"
        )
    if paid and procedure.payment_working_days is None:
        yield ChainError(
            "-",
            "payment_working_days",
            "missing: the working days the applicant has to pay the fee (e.g. 5)",
        )
    if not paid and procedure.payment_working_days is not None:
        yield ChainError(
            "-", "payment_working_days", "only a procedure whose fee is paid has a time to pay it"
        )


def _place_problems(procedure: Procedure, position: int, stage: Stage) -> Iterator[ChainError]:
    """A chain opens with its one reception stage and closes with its one decision."""
    last = position == len(procedure.chain) - 1
    if position == 0 and stage.kind != StageKind.reception:
        yield ChainError(stage.id, "kind", "the first stage must be a reception stage")
    if position > 0 and stage.kind == StageKind.reception:
        yield ChainError(stage.id, "kind", "only the first stage may be a reception stage")
    if stage.kind == StageKind.decision and not last:
        yield ChainError(stage.id, "kind", "the decision stage must be the last stage")
    if last and stage.kind != StageKind.decision:
        yield ChainError(stage.id, "kind", "the last stage must be a decision stage")


def _stage_problems(procedure: Procedure, stage: Stage, seen: list[str]) -> Iterator[ChainError]:
    """A stage's own fields: a return only to an earlier stage, each agency consulted once, a
    council's quorum over half."""
    target = getattr(stage, "return_to", None)
    if target is not None and target not in seen:
        where = "after it" if target in _ids(procedure) else "not in the chain"
        yield ChainError(stage.id, "return_to", f"return target '{target}' is {where}")
    if isinstance(stage, ConsultationStage) and len(set(stage.agencies)) != len(stage.agencies):
        yield ChainError(stage.id, "agencies", "an agency is consulted twice")
    if isinstance(stage, CouncilStage) and Fraction(stage.quorum) <= Fraction(1, 2):
        yield ChainError(stage.id, "quorum", "a council's quorum must be more than half")


def _ids(procedure: Procedure) -> list[str]:
    return [stage.id for stage in procedure.chain]
