"""Officers' actions from the browser, signed there: the actions this officer may take at the
dossier's current stage (the workflow's own rules say which), what the browser is to sign for
one of them, and the signed action handed to the dossier as the CLI's are. Besides the stage's
actions (`OfficerAction`, update `act`), the counter's — a supplement received (`Supplement`),
the applicant's withdrawal received (`Withdrawal`), a delivery confirmed
(`DeliveryConfirmation`) — and an operator's retry (`RetryRequest`), each
bound to its own update and handed over the same way.

The server never signs: it prepares the bytes (`Proof.binding`), the browser's non-extractable
key signs them, and the dossier verifies the signature against the session's certificate.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, Field, ValidationError
from temporalio.client import Client

from models.actions import (
    MAX_MISSING,
    CouncilAppointment,
    DeliveryConfirmation,
    OfficerAction,
    ResetRequest,
    RetryRequest,
    Supplement,
    Withdrawal,
)
from models.calendar import VIETNAM, WorkingCalendar
from models.credentials import Certificate, Proof, b64, canonical, unb64
from models.procedure import ACTIONS, CouncilStage, Procedure, Stage
from models.state import DossierState, sitting_council
from models.updates import UPDATE_OF
from operations import mending
from operations.access import Caller
from operations.action_fields import first_new_date, sample_council
from operations.actions import perform
from operations.dossiers import DossierView, readable_state
from operations.errors import ActionRefused, Forbidden, NotFound
from operations.mending import RetryOutcome, require_operator
from operations.services import Services
from support.calendars import calendar_for
from support.catalogue import procedure_versions
from workflows.rules import ActionRejected, check_action

BrowserSigned = (
    OfficerAction | Supplement | Withdrawal | DeliveryConfirmation | RetryRequest | ResetRequest
)
Signed = TypeVar("Signed", bound=BrowserSigned)
NEEDS_REASON = frozenset({"refuse", "reject", "return", "object", "pass_with_revisions", "fail"})


class Choice(BaseModel):
    """An action the officer may take now, and the fields it needs."""

    action: str
    needs_comment: bool
    needs_missing: bool
    return_targets: list[str] = Field(default_factory=list)
    needs_new_date: bool = False
    earliest_date: date | None = Field(default=None, description="apologize: the first date")
    needs_council: bool = False


class ActionFields(BaseModel):
    """What an action carries besides its comment and missing items: the stage a `return` goes
    to, an apology's new appointment date, the council a `convene` seats."""

    to_stage: str | None = None
    new_due_date: date | None = None
    council: CouncilAppointment | None = None


class Prepared(BaseModel):
    """What the browser signs (base64url of the canonical bytes), as `Proof.binding` makes it."""

    message: str


def procedure_of(services: Services, state: DossierState) -> Procedure:
    with services.sessions() as session:
        versions = procedure_versions(session, state.procedure_code)
    found = next((p for p in versions if p.version == state.procedure_version), None)
    if found is None:
        raise NotFound(f"procedure {state.procedure_code} v{state.procedure_version} is unknown")
    return found


def _sample(
    caller: Caller, name: str, stage: Stage, state: DossierState, calendar: WorkingCalendar
) -> OfficerAction:
    """The action with fields the rules accept, to ask them whether the caller may take it."""
    return OfficerAction(
        officer=caller.officer,
        action=name,
        comment="—",
        missing=["—"] if name == "request_supplement" else [],
        new_due_date=first_new_date(state, calendar) if name == "apologize" else None,
        council=sample_council(stage)
        if name == "convene" and isinstance(stage, CouncilStage)
        else None,
    )


def _allowed(
    state: DossierState, procedure: Procedure, action: OfficerAction, calendar: WorkingCalendar
) -> bool:
    if action.action == "conclude":
        # offered to the chair of the sitting council whether or not it may conclude yet: the
        # dossier says why not (no quorum, the chair's own vote missing) when it is sent
        council = sitting_council(state)
        return council is not None and council.chair == action.officer.id
    today = datetime.now(VIETNAM).date()
    try:
        check_action(state, procedure, action, calendar, today=today)
    except ActionRejected:
        return False
    return True


async def choices(client: Client, caller: Caller, services: Services, code: str) -> list[Choice]:
    """The actions the caller may take at the dossier's current stage, by the rules the
    workflow applies (workflows/rules.py); none when the dossier waits for someone else. An
    apology (form 04) is offered at any stage to the officer holding the dossier."""
    state = await readable_state(client, caller, services.settings, code)
    if state.stage is None:
        return []
    procedure = procedure_of(services, state)
    stage = procedure.stage(state.stage)
    calendar = calendar_for(state.submitted_at, services.settings)
    earlier = [s.id for s in procedure.chain[: procedure.chain.index(stage)]]
    found = []
    for name in (*ACTIONS[stage.kind], "apologize"):
        sample = _sample(caller, name, stage, state, calendar)
        if not _allowed(state, procedure, sample, calendar):
            continue
        found.append(
            Choice(
                action=name,
                needs_comment=name in NEEDS_REASON or name == "apologize",
                needs_missing=name == "request_supplement",
                return_targets=list(reversed(earlier)) if name == "return" else [],
                needs_new_date=name == "apologize",
                earliest_date=sample.new_due_date,
                needs_council=name == "convene",
            )
        )
    return found


def _action(
    caller: Caller, name: str, comment: str, missing: list[str], fields: ActionFields
) -> OfficerAction:
    try:
        return OfficerAction(
            officer=caller.officer,
            action=name,
            comment=comment.strip(),
            missing=[m.strip() for m in missing if m.strip()][:MAX_MISSING],
            to_stage=fields.to_stage or None,
            new_due_date=fields.new_due_date,
            council=fields.council,
        )
    except ValidationError as exc:
        raise ActionRefused(_said(exc), moved_on=False) from None


def bind(item: BrowserSigned, code: str, stage: str | None, update: str | None = None) -> Prepared:
    """The bytes that sign `item` for the dossier at `stage`, under the update it is sent by
    (`update`: the name of what is not a workflow update, a reset's)."""
    message = Proof.binding(
        item,
        dossier=code,
        stage=stage,
        update=update or UPDATE_OF[type(item)].name,
        nonce=secrets.token_hex(16),
        signed_at=datetime.now(UTC).replace(microsecond=0),
    )
    return Prepared(message=b64(message))


async def prepare(
    client: Client,
    caller: Caller,
    services: Services,
    code: str,
    *,
    action: str,
    comment: str = "",
    missing: list[str] | None = None,
    fields: ActionFields | None = None,
) -> Prepared:
    """The bytes the officer's browser signs for the action at the dossier's current stage."""
    state = await readable_state(client, caller, services.settings, code)
    item = _action(caller, action, comment, missing or [], fields or ActionFields())
    return bind(item, code, state.stage)


async def prepare_retry(
    client: Client, caller: Caller, services: Services, code: str, *, note: str = ""
) -> Prepared:
    """The bytes an operator's browser signs to have the dossier's failing activities run again
    (a `RetryRequest`, as `hoso retry` signs it)."""
    require_operator(caller)
    state = await readable_state(client, caller, services.settings, code)
    try:
        item = RetryRequest(officer=caller.officer, note=note.strip())
    except ValidationError as exc:
        raise ActionRefused(_said(exc), moved_on=False) from None
    return bind(item, code, state.stage)


def signed_item(
    kind: type[Signed],
    caller: Caller,
    certificate: Certificate | None,
    code: str,
    message: str,
    signature: str,
    update: str | None = None,
) -> Signed:
    """The item of a message the session's browser signed, with its proof: Forbidden when the
    session's browser has no certified key, or the message is not the caller's `kind` of item
    for this dossier (under `update`, else its workflow update's name), signed by that key. The
    dossier verifies the proof again."""
    update = update or UPDATE_OF[kind].name
    if certificate is None:
        raise Forbidden("this session's browser has no signing key: sign in again to act")
    try:
        raw = unb64(message)
        parts = _json(raw)
        bound = kind.model_validate(parts["action"])
        proof = Proof(
            certificate=certificate,
            dossier=parts["dossier"],
            stage=parts["stage"],
            update=parts["update"],
            nonce=parts["nonce"],
            signed_at=datetime.fromisoformat(parts["signed_at"]),
            signature=signature,
        )
    except (ValueError, KeyError, TypeError, ValidationError):
        raise Forbidden("the signed action is malformed") from None
    if bound.officer != caller.officer or proof.dossier != code or proof.update != update:
        raise Forbidden("the signed action is not yours, for this dossier")
    item = bound.model_copy(update={"proof": proof})
    rebuilt = Proof.binding(
        item,
        dossier=code,
        stage=proof.stage,
        update=update,
        nonce=proof.nonce,
        signed_at=proof.signed_at,
    )
    if rebuilt != raw or not _verifies(certificate, signature, raw):
        raise Forbidden("the signature does not match the action (altered, or another key)")
    return cast(Signed, item)


async def act_signed(
    client: Client,
    caller: Caller,
    certificate: Certificate | None,
    services: Services,
    code: str,
    *,
    message: str,
    signature: str,
    kind: type[OfficerAction | Supplement | Withdrawal | DeliveryConfirmation] = OfficerAction,
) -> DossierView:
    """The `kind` of a signed message (an officer's action, a supplement, a withdrawal, a
    delivery), with the session's certificate as its proof, sent to the dossier (which verifies
    it again)."""
    item = signed_item(kind, caller, certificate, code, message, signature)
    return await perform(client, caller, services, code, item)


async def retry_signed(
    client: Client,
    caller: Caller,
    certificate: Certificate | None,
    services: Services,
    code: str,
    *,
    message: str,
    signature: str,
) -> RetryOutcome:
    """An operator's retry signed in their browser: recorded in the dossier's history (which
    verifies the signature as it does `hoso retry`'s), then its failing activities run again."""
    require_operator(caller)
    item = signed_item(RetryRequest, caller, certificate, code, message, signature)
    return await mending.retry(client, caller, services, code, item)


def _said(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


def _verifies(certificate: Certificate, signature: str, message: bytes) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(unb64(certificate.public_key))
        key.verify(unb64(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _json(raw: bytes) -> dict[str, Any]:
    value = json.loads(raw)
    if not isinstance(value, dict) or canonical(value) != raw:
        raise ValueError("not a canonical message")
    return value
