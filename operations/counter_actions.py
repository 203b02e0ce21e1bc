"""The counter's actions on a dossier, from the browser: the applicant's supplement received by
the one-stop officer (bổ sung hồ sơ, its documents uploaded and stored first), the applicant's
request to withdraw it (rút hồ sơ) and the result handed over (xác nhận trả kết quả). Which of
them the officer may take now, by the workflow's own rules, and what the browser is to sign for
each; the signed message goes to the dossier as every browser action does
(`browser_actions.act_signed`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel, Field, ValidationError
from temporalio.client import Client

from models.actions import DeliveryConfirmation, Supplement, Withdrawal
from models.dossier import CLOSED_STATUSES
from models.procedure import DocumentSpec, Procedure
from models.state import DossierState
from operations.access import Caller
from operations.action_documents import store_documents
from operations.browser_actions import Prepared, bind, procedure_of
from operations.dossiers import readable_state
from operations.errors import ActionRefused, Forbidden
from operations.services import Services
from operations.uploads import UploadFolder
from support.intake import DocumentEntry
from workflows.rules import (
    ActionRejected,
    check_confirmation,
    check_receiver,
    check_supplement,
    check_withdrawal,
)


class DeskChoices(BaseModel):
    """What the officer may do for the applicant at the counter on this dossier now."""

    supplement: bool = False
    withdraw: bool = False
    deliver: bool = False
    documents: list[DocumentSpec] = Field(
        default_factory=list, description="the kinds a supplement may bring"
    )


def _passes(check: Callable[[], None]) -> bool:
    try:
        check()
    except ActionRejected:
        return False
    return True


def desk_for(state: DossierState, caller: Caller, services: Services) -> DeskChoices:
    """The counter's actions the caller may take on the dossier as it is (a state they read)."""
    if state.status in CLOSED_STATUSES:
        return DeskChoices()
    procedure = procedure_of(services, state)
    officer = caller.officer
    sample = Supplement(officer=officer, note="—")
    handed = DeliveryConfirmation(officer=officer)
    supplement = _passes(lambda: check_supplement(state, procedure, sample))
    withdrawal = Withdrawal(officer=officer)
    return DeskChoices(
        supplement=supplement,
        withdraw=_passes(lambda: check_withdrawal(state, procedure, withdrawal)),
        deliver=_passes(lambda: check_confirmation(state, procedure, handed)),
        documents=list(procedure.documents) if supplement else [],
    )


class NotWithdrawable(ActionRefused):
    """The dossier can no longer be withdrawn: it is closed (refused, completed, withdrawn,
    cancelled) or its decision is made; `status` says which."""

    @property
    def closed(self) -> bool:
        return self.status in CLOSED_STATUSES


def check_withdrawable(state: DossierState, procedure: Procedure, caller: Caller) -> None:
    """Forbidden to an officer who does not receive the applicant's requests for this dossier
    (its procedure's one-stop unit); NotWithdrawable when the dossier is past withdrawing."""
    try:
        check_receiver(procedure, caller.officer)
    except ActionRejected as exc:
        raise Forbidden(str(exc)) from None
    try:
        check_withdrawal(state, procedure, Withdrawal(officer=caller.officer))
    except ActionRejected as exc:
        raise NotWithdrawable(str(exc), moved_on=False, status=state.status) from None


async def withdrawable_now(client: Client, caller: Caller, services: Services, code: str) -> None:
    """`check_withdrawable` on the dossier as it is now (after the dossier refused a withdrawal,
    to say why in the page's words)."""
    state = await readable_state(client, caller, services.settings, code)
    check_withdrawable(state, procedure_of(services, state), caller)


def _item(
    model: type[Supplement] | type[DeliveryConfirmation] | type[Withdrawal], **fields: object
) -> BaseModel:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise ActionRefused(
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
            moved_on=False,
        ) from None


async def prepare_supplement(
    client: Client,
    caller: Caller,
    services: Services,
    code: str,
    uploads: UploadFolder,
    entries: Sequence[DocumentEntry],
    note: str,
) -> Prepared:
    """The supplement's documents checked (the kinds and formats of the dossier's procedure)
    and stored, then the bytes the officer's browser signs: the supplement naming them."""
    state = await readable_state(client, caller, services.settings, code)
    documents = (
        await store_documents(services, client, caller, code, uploads, entries, supplement=True)
        if entries
        else []
    )
    item = _item(Supplement, officer=caller.officer, documents=documents, note=note.strip())
    assert isinstance(item, Supplement)
    return bind(item, code, state.stage)


async def prepare_delivery(
    client: Client, caller: Caller, services: Services, code: str, note: str
) -> Prepared:
    """The bytes the officer's browser signs to confirm the result was handed over."""
    state = await readable_state(client, caller, services.settings, code)
    item = _item(DeliveryConfirmation, officer=caller.officer, note=note.strip())
    assert isinstance(item, DeliveryConfirmation)
    return bind(item, code, state.stage)


async def prepare_withdrawal(
    client: Client, caller: Caller, services: Services, code: str, reason: str
) -> Prepared:
    """The bytes the officer's browser signs for the applicant's request to withdraw the
    dossier, once the rules say it may still be withdrawn (the dossier checks them again)."""
    state = await readable_state(client, caller, services.settings, code)
    check_withdrawable(state, procedure_of(services, state), caller)
    item = _item(Withdrawal, officer=caller.officer, reason=reason.strip())
    assert isinstance(item, Withdrawal)
    return bind(item, code, state.stage)
