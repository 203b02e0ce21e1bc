"""How a dossier's history tells each update and activity in domain words (`hoso history`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.actions import (
    CalendarChange,
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    RetryRequest,
    Supplement,
    Withdrawal,
)
from models.dossier import DocumentRef
from models.effects import DossierProjection, FormRequest, Notification, ResultDelivery
from models.payment import PaymentConfirmation, PaymentOpening
from models.projection import DossierChange

ACTIVITY_EVENTS = {
    "send_notification": "notified",
    "issue_form": "form issued",
    "deliver_result": "handed over",
    "record_dossier": "recorded",
    "record_change": "recorded",
    "load_trust": "trust loaded",
}


def documents(refs: Sequence[DocumentRef]) -> str:
    """Each document by kind and the start of its SHA-256, as the document store names it."""
    return ", ".join(f"{d.kind} ({d.sha256[:12]}…)" for d in refs)


def update_detail(name: str, value: Any) -> str:
    detail = _what(name, value)
    proof = getattr(value, "proof", None)
    if proof is not None:  # who signed: the certificate's token, never the token itself
        detail += f" [signed, token {proof.certificate.token_id[:8]}]"
    return detail


def _action(value: OfficerAction) -> str:
    parts = [f"{value.officer.id} ({value.officer.role}, {value.officer.unit}): {value.action}"]
    if value.to_stage:
        parts.append(f"to {value.to_stage}")
    if value.missing:
        parts.append("missing: " + "; ".join(value.missing))
    if value.documents:
        parts.append("documents: " + documents(value.documents))
    if value.comment:
        parts.append(f"“{value.comment}”")
    return " ".join(parts)


def _what(name: str, value: Any) -> str:
    if isinstance(value, OfficerAction):
        return _action(value)
    if isinstance(value, Supplement):
        kinds = documents(value.documents) or "no documents"
        note = f" “{value.note}”" if value.note else ""
        return f"applicant supplement{_received(value)}: {kinds}{note}"
    if isinstance(value, Withdrawal):
        reason = f": “{value.reason}”" if value.reason else ""
        return f"applicant withdrew{_received(value)}{reason}"
    if isinstance(value, Cancellation):
        return f"{value.officer.id} cancelled: “{value.reason}”"
    if isinstance(value, DeliveryConfirmation):
        return f"{value.officer.id} confirmed delivery" + (f": {value.note}" if value.note else "")
    if isinstance(value, CalendarChange):
        years = f"{value.calendar.first_year}-{value.calendar.last_year}"
        return f"{value.officer.id} pushed the calendar {years}"
    if isinstance(value, RetryRequest):
        return f"{value.officer.id} asked for a retry" + (f": {value.note}" if value.note else "")
    if isinstance(value, PaymentOpening):
        return f"applicant started paying {value.amount} đồng online ({value.reference})"
    if isinstance(value, PaymentConfirmation):
        number = f", gateway no. {value.transaction_number}" if value.transaction_number else ""
        return f"the gateway confirmed {value.amount} đồng paid ({value.reference}{number})"
    return name


def _received(value: Supplement | Withdrawal) -> str:
    return f" (received by {value.officer.id})" if value.officer else ""


def activity_detail(name: str, value: Any) -> str:
    if isinstance(value, Notification):
        to = value.recipient
        who = (
            "applicant"
            if to.audience == "applicant"
            else ", ".join(to.officers)
            or "/".join(p for p in (to.agency, to.unit, to.role) if p)
            or "officers"
        )
        return f"{value.template} → {who}"
    if isinstance(value, FormRequest):
        return value.kind
    if isinstance(value, DossierProjection):
        return f"projection: {value.state.status.value}"
    if isinstance(value, DossierChange):
        return f"projection: {value.row.status}"
    if isinstance(value, ResultDelivery):
        return f"result by {value.channel.value}"
    return name
