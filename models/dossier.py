"""A dossier (hồ sơ) as submitted: the applicant, documents by reference, the delivery chosen."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from models.agency import Names
from models.calendar import WorkingCalendar
from models.officer import OfficerId
from models.procedure import DeliveryChannel, Identifier, Procedure, free_text, one_line

DossierCode = Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}-[0-9]{6}-[0-9]{4}$")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(one_line)]
Comment = Annotated[str, Field(max_length=4000), AfterValidator(free_text)]
Address = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(one_line)]
Reference = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$")]
MAX_DOCUMENTS = 100

# Citizen identity cards (căn cước công dân) begin with the code of the province of birth
# registration (Circular 07/2016/TT-BCA, the 63 provinces of Decision 124/2004/QĐ-TTg); the
# provinces merged in 2025 keep their old codes on the cards already issued.
PROVINCE_CODES = frozenset(
    f"{number:03d}"
    for number in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36,
        37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74,
        75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)  # fmt: skip
PHONE = re.compile(r"(?:\+84|0)(?P<number>[35789][0-9]{8}|2[0-9]{9})")
PHONE_SEPARATORS = re.compile(r"[ .()-]")


def citizen_id(value: str) -> str:
    """A 12-digit citizen id number whose first three digits are a province code."""
    if not re.fullmatch(r"[0-9]{12}", value):
        raise ValueError("a citizen id number has exactly 12 digits")
    if value[:3] not in PROVINCE_CODES:
        raise ValueError(f"a citizen id number begins with a province code; {value[:3]} is none")
    return value


def phone_number(value: str) -> str:
    """A Vietnamese mobile (0 + 9 digits) or landline (02 + 9 digits) number, written with or
    without +84, spaces, dots or dashes; kept in one form: 0 and the digits."""
    match = PHONE.fullmatch(PHONE_SEPARATORS.sub("", value))
    if match is None:
        raise ValueError(
            "not a Vietnamese phone number (a mobile 0xxxxxxxxx or a landline 02xxxxxxxxx, "
            "or the same with +84 for the 0)"
        )
    return "0" + match["number"]


def email_address(value: str) -> str:
    text = one_line(value)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise ValueError("not an email address (name@domain)")
    return text


CitizenId = Annotated[
    str, Field(max_length=12, description="citizen id, 12 digits"), AfterValidator(citizen_id)
]
Phone = Annotated[str, Field(max_length=20), AfterValidator(phone_number)]
Email = Annotated[str, Field(max_length=254), AfterValidator(email_address)]


class DossierStatus(StrEnum):
    """The product's vocabulary for where a dossier is; keep these stable."""

    submitted = "submitted"
    received = "received"
    in_review = "in_review"
    awaiting_supplement = "awaiting_supplement"
    awaiting_payment = "awaiting_payment"
    refused = "refused"
    approved = "approved"
    rejected = "rejected"
    delivering = "delivering"
    completed = "completed"
    withdrawn = "withdrawn"
    cancelled = "cancelled"


CLOSED_STATUSES = frozenset(
    {
        DossierStatus.refused,
        DossierStatus.completed,
        DossierStatus.withdrawn,
        DossierStatus.cancelled,
    }
)


class ReceptionChannel(StrEnum):
    """How the dossier reached the agency (indicator 3.3 counts the online share)."""

    online = "online"
    counter = "counter"
    post = "post"


RECEPTION_CHANNELS = {
    ReceptionChannel.online: "trực tuyến",
    ReceptionChannel.counter: "trực tiếp tại Bộ phận Một cửa",
    ReceptionChannel.post: "qua dịch vụ bưu chính",
}


class Receiver(BaseModel):
    """The one-stop officer who received a dossier at the counter (cán bộ tiếp nhận)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: OfficerId
    name: Name


class Applicant(BaseModel):
    """The citizen or business; personal data, never logged."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    id_number: CitizenId
    phone: Phone
    email: Email | None = None
    address: Address | None = None


class DocumentRef(BaseModel):
    """A stored document: only its reference travels, never its bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Identifier
    file_name: Name
    sha256: Sha256
    size: int = Field(ge=0)
    format: Annotated[str, Field(pattern=r"^[a-z0-9]{1,8}$")]


class IntakeSeal(BaseModel):
    """hoso's intake's signature over a submission it accepted (models/intake.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key_id: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}$")]
    signature: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+={0,2}$", max_length=200)]


class DossierSubmission(BaseModel):
    """The workflow input: everything the dossier needs, snapshotted at submission."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: DossierCode
    reference: Reference
    procedure: Procedure
    applicant: Applicant
    documents: list[DocumentRef] = Field(max_length=MAX_DOCUMENTS)
    delivery: DeliveryChannel
    submitted_at: datetime
    calendar: WorkingCalendar
    received_via: ReceptionChannel = ReceptionChannel.online
    received_by: Receiver | None = Field(default=None, description="at the counter: who")
    names: Names = Field(default_factory=Names, description="agencies' and units' names")
    seal: IntakeSeal | None = Field(
        default=None, description="intake's seal; a start without a valid one is refused"
    )
