"""The dossier's activities as workflow code sees them: each one's name, input and result.

Workflows call activities by these names and activities/ implement them under the same names
(worker.py registers the implementations), so replayed code never loads the database, PDF or
mail libraries the implementations need. The names are in every recorded history: never rename.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from models.actions import CouncilAppointment, CouncilVerdict
from models.credentials import TrustAnchors
from models.effects import (
    DeliveryReceipt,
    DossierProjection,
    FormRequest,
    Notification,
    ResultDelivery,
)
from models.intake import SubmissionCheck, SubmissionVerdict
from models.projection import DossierChange
from models.state import FormRef

InputT = TypeVar("InputT")
ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class ActivityInterface(Generic[InputT, ResultT]):
    """An activity's name, input model (None: it takes none) and result type."""

    name: str
    input: type[InputT] | None
    result: Any  # a type or a union of types, as the data converter reads it


RECORD_CHANGE = ActivityInterface[DossierChange, None]("record_change", DossierChange, type(None))
# Dossiers started before changes existed send their whole state each time.
RECORD_DOSSIER = ActivityInterface[DossierProjection, None](
    "record_dossier", DossierProjection, type(None)
)
# The result names the recipients refused, if any (None: all sent).
SEND_NOTIFICATION = ActivityInterface[Notification, str | None](
    "send_notification", Notification, str | None
)
ISSUE_FORM = ActivityInterface[FormRequest, FormRef]("issue_form", FormRequest, FormRef)
DELIVER_RESULT = ActivityInterface[ResultDelivery, DeliveryReceipt](
    "deliver_result", ResultDelivery, DeliveryReceipt
)
LOAD_TRUST = ActivityInterface[None, TrustAnchors]("load_trust", None, TrustAnchors)
CHECK_SUBMISSION = ActivityInterface[SubmissionCheck, SubmissionVerdict](
    "check_submission", SubmissionCheck, SubmissionVerdict
)

# The registry's word on a council's members (officers of it; experts marked as such).
CHECK_COUNCIL = ActivityInterface[CouncilAppointment, CouncilVerdict](
    "check_council", CouncilAppointment, CouncilVerdict
)

ACTIVITIES: tuple[ActivityInterface[Any, Any], ...] = (
    RECORD_CHANGE,
    RECORD_DOSSIER,
    SEND_NOTIFICATION,
    ISSUE_FORM,
    DELIVER_RESULT,
    LOAD_TRUST,
    CHECK_SUBMISSION,
    CHECK_COUNCIL,
)
ACTIVITY_INPUTS: dict[str, type[Any]] = {a.name: a.input for a in ACTIVITIES if a.input}
