"""Who may do what, when: pure checks shared by the update validators and the workflow loop.

Each check raises `ActionRejected` with a reason an officer can read; nothing here touches state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from temporalio import workflow

from models.actions import (
    MAX_DOSSIER_DOCUMENTS,
    CalendarChange,
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    OfficerIdentity,
    RetryRequest,
    Supplement,
    Withdrawal,
)
from models.calendar import VIETNAM, WorkingCalendar
from models.dossier import CLOSED_STATUSES, DossierStatus
from models.officer import OPERATOR_ROLE, PORTAL_ROLE
from models.payment import PaymentConfirmation, PaymentOpening
from models.procedure import (
    ACTIONS,
    ConsultationStage,
    CouncilStage,
    DecisionStage,
    Procedure,
    ReceptionStage,
    ReviewStage,
    Stage,
)
from models.state import DossierState
from workflows import council

WITHDRAWABLE = frozenset(
    {
        DossierStatus.submitted,
        DossierStatus.received,
        DossierStatus.in_review,
        DossierStatus.awaiting_supplement,
    }
)
NEEDS_REASON = frozenset({"refuse", "reject", "return", "object", "pass_with_revisions", "fail"})
Held = ReceptionStage | ReviewStage | CouncilStage | DecisionStage  # stages an officer holds


class ActionRejected(ValueError):
    """An action that is not allowed now; the message says why."""


def check_open(state: DossierState) -> None:
    if state.status in CLOSED_STATUSES:
        raise ActionRejected(f"dossier {state.code} is closed ({state.status.value})")


def check_action(
    state: DossierState,
    procedure: Procedure,
    action: OfficerAction,
    calendar: WorkingCalendar,
    *,
    day_off_allowed: bool = False,
    today: date | None = None,
) -> None:
    """Raises ActionRejected unless `action` is allowed on the dossier's current stage (`today`:
    the day in Vietnam, given by a caller outside the workflow; the workflow's clock otherwise)."""
    check_open(state)
    if state.status == DossierStatus.awaiting_supplement:
        what = "revisions" if state.suspensions[-1].reason == "revisions" else "supplement"
        raise ActionRejected(f"dossier {state.code} is waiting for the applicant's {what}")
    if state.stage is None or state.status not in (DossierStatus.received, DossierStatus.in_review):
        raise ActionRejected(
            f"dossier {state.code} has no stage awaiting action (status {state.status.value})"
        )
    stage = procedure.stage(state.stage)
    if action.action == "apologize":
        check_apology(
            state, procedure, action, calendar, day_off_allowed=day_off_allowed, today=today
        )
        return
    allowed = ACTIONS[stage.kind]
    if action.action not in allowed:
        raise ActionRejected(
            f"action '{action.action}' is not available at stage '{stage.id}' ({stage.kind.value});"
            f" available: {', '.join(allowed)}"
        )
    if action.council is not None and action.action != "convene":
        raise ActionRejected("a council (--member, --expert, --chair) applies to 'convene' only")
    _check_actor(state, procedure, stage, action)
    _check_details(procedure, stage, action)
    check_documents_room(state, action.documents)


def _check_actor(
    state: DossierState, procedure: Procedure, stage: Stage, action: OfficerAction
) -> None:
    """Who may take `action` here: a consulted agency, a member of the sitting council (for a
    vote or a conclusion), or else the stage's assignee."""
    match (action.action, stage):
        case (_, ConsultationStage() as consultation):
            _check_consulted(state, consultation, action.officer)
        case ("convene", CouncilStage() as sitting):
            _check_assignee(procedure, sitting, action.officer)
            _check(council.convening_problem(state, sitting, action))
        case ("return", CouncilStage() as sitting):
            _check_assignee(procedure, sitting, action.officer)
        case (_, CouncilStage() as sitting):
            _check(council.member_problem(state, sitting, action))
        case (_, ReceptionStage() | ReviewStage() | DecisionStage() as held):
            _check_assignee(procedure, held, action.officer)


def _check_details(procedure: Procedure, stage: Stage, action: OfficerAction) -> None:
    """What the action must carry: a target only to return, everything missing, its reasons."""
    if action.to_stage is not None and action.action != "return":
        raise ActionRejected("a target stage (--to) applies to 'return' only")
    if action.action == "return":
        return_target(procedure, stage, action.to_stage)
    if action.action == "request_supplement" and not action.missing:
        raise ActionRejected("a supplement request must name everything that is missing")
    if action.action in NEEDS_REASON and not action.comment.strip():
        raise ActionRejected(f"'{action.action}' needs a comment giving the reasons")


def _check(problem: str | None) -> None:
    if problem is not None:
        raise ActionRejected(problem)


def _check_assignee(procedure: Procedure, stage: Held, officer: OfficerIdentity) -> None:
    if (officer.role, officer.unit, officer.agency) != (stage.role, stage.unit, procedure.agency):
        raise ActionRejected(
            f"officer {officer.id} ({officer.role} of {officer.unit}, {officer.agency}) may not act"
            f" at stage '{stage.id}', which needs a {stage.role} of {stage.unit},"
            f" {procedure.agency}"
        )


def _check_consulted(
    state: DossierState, stage: ConsultationStage, officer: OfficerIdentity
) -> None:
    if officer.agency not in stage.agencies:
        raise ActionRejected(
            f"officer {officer.id} of {officer.agency} is not consulted at stage '{stage.id}'"
            f" (consulted: {', '.join(stage.agencies)})"
        )
    if officer.agency not in state.awaiting_agencies:
        raise ActionRejected(f"{officer.agency} has already given its opinion at '{stage.id}'")


def check_apology(
    state: DossierState,
    procedure: Procedure,
    action: OfficerAction,
    calendar: WorkingCalendar,
    *,
    day_off_allowed: bool = False,
    today: date | None = None,
) -> None:
    """Form 04: by the officer holding the dossier, once, a working day ahead, a later date that
    is a working day (`day_off_allowed`: as accepted before they were refused, on replay)."""
    if state.due_date is None:
        raise ActionRejected(f"dossier {state.code} has no due date yet: it is not received")
    if state.apology is not None:
        raise ActionRejected(
            f"an apology was already issued ({state.apology.at.date().isoformat()}): the new"
            " date can be set only once"
        )
    holder = _holder(procedure, state)
    _check_assignee(procedure, holder, action.officer)
    if not action.comment.strip():
        raise ActionRejected("an apology needs the reason for the delay (--comment)")
    if action.new_due_date is None or action.new_due_date <= state.due_date:
        raise ActionRejected(
            f"an apology needs a new date after the due date {state.due_date.isoformat()}"
        )
    if not day_off_allowed and not calendar.is_working_day(action.new_due_date):
        raise ActionRejected(
            f"the new date {action.new_due_date.isoformat()} is not a working day"
            f" ({_day_off(calendar, action.new_due_date)}): choose a working day after the due"
            f" date {state.due_date.isoformat()}, e.g."
            f" {calendar.next_working_day(action.new_due_date).isoformat()}"
        )
    if today is None:
        today = workflow.now().astimezone(VIETNAM).date()
    if calendar.working_days_between(today, state.due_date) < 1:
        raise ActionRejected(
            "too late: an apology must come at least one working day before the due date"
            f" {state.due_date.isoformat()}"
        )


def _day_off(calendar: WorkingCalendar, day: date) -> str:
    """Why `day` is not worked: the holiday's name, or the weekend."""
    names = [holiday.name for holiday in calendar.holidays if holiday.day == day]
    return names[0] if names else "a weekend"


def _holder(procedure: Procedure, state: DossierState) -> Held:
    """Who holds the dossier: the current stage's officer, or before a consultation its sender."""
    assert state.stage is not None
    position = procedure.index(state.stage)
    for stage in reversed(procedure.chain[: position + 1]):
        if not isinstance(stage, ConsultationStage):
            return stage
    raise ActionRejected("no officer holds this dossier")  # a chain starts with reception


def check_retry(state: DossierState, request: RetryRequest) -> None:
    check_open(state)
    if request.officer.role != OPERATOR_ROLE:
        raise ActionRejected(f"only an operator may retry; {request.officer.id} is not one")


def check_calendar_change(state: DossierState, change: CalendarChange) -> None:
    check_open(state)
    if change.officer.role != OPERATOR_ROLE:
        raise ActionRejected(
            f"only an operator may change the calendar; {change.officer.id} is not one"
        )


def return_target(procedure: Procedure, stage: Stage, to_stage: str | None) -> str:
    """The stage a `return` goes back to: the one named, the stage's default, or the previous."""
    position = procedure.index(stage.id)
    default = (
        stage.return_to if isinstance(stage, ReviewStage | CouncilStage | DecisionStage) else None
    )
    earlier = [s.id for s in procedure.chain[:position] if not isinstance(s, ConsultationStage)]
    target = to_stage or default or (earlier[-1] if earlier else None)
    ids = [s.id for s in procedure.chain]
    if target is None:
        raise ActionRejected(f"stage '{stage.id}' has no earlier stage to return to")
    if target not in ids:
        raise ActionRejected(f"no stage '{target}' in this procedure's chain")
    if ids.index(target) >= position:
        raise ActionRejected(f"cannot return to '{target}': it does not come before '{stage.id}'")
    if isinstance(procedure.stage(target), ConsultationStage):
        raise ActionRejected(f"cannot return to '{target}': a consultation is not a review stage")
    return target


def check_receiver(procedure: Procedure, officer: OfficerIdentity | None) -> None:
    """Applicants' requests come through the one-stop unit or the agency's portal account."""
    if officer is None:  # dossiers from before credentials; the identity check demands one
        return
    reception = procedure.chain[0]
    assert isinstance(reception, ReceptionStage)
    counter = (officer.role, officer.unit, officer.agency) == (
        reception.role,
        reception.unit,
        procedure.agency,
    )
    portal = officer.role == PORTAL_ROLE and officer.agency == procedure.agency
    if not counter and not portal:
        raise ActionRejected(
            f"officer {officer.id} may not receive the applicant's requests: it takes a"
            f" {reception.role} of {reception.unit} or the {procedure.agency} portal account"
        )


def check_supplement(state: DossierState, procedure: Procedure, supplement: Supplement) -> None:
    check_open(state)
    check_receiver(procedure, supplement.officer)
    if state.status != DossierStatus.awaiting_supplement:
        raise ActionRejected(f"dossier {state.code} is not waiting for a supplement")
    if not supplement.documents and not supplement.note.strip():
        raise ActionRejected("a supplement needs documents or a note")
    check_documents_room(state, supplement.documents)


def check_payment_opening(state: DossierState, opening: PaymentOpening) -> None:
    """An attempt to pay is opened only while the dossier waits for its fee, for the fee."""
    check_open(state)
    payment = state.payment
    if state.status != DossierStatus.awaiting_payment or payment is None:
        raise ActionRejected(f"dossier {state.code} is not waiting for a payment")
    if opening.amount != payment.amount:
        raise ActionRejected(
            f"dossier {state.code} owes {payment.amount} đồng, not {opening.amount}"
        )


def check_payment(state: DossierState, confirmation: PaymentConfirmation) -> None:
    """A payment is believed only for the open attempt of a dossier waiting for it, in full."""
    check_open(state)
    payment = state.payment
    if state.status != DossierStatus.awaiting_payment or payment is None:
        raise ActionRejected(f"dossier {state.code} is not waiting for a payment")
    if confirmation.reference != payment.reference:
        raise ActionRejected(
            f"payment {confirmation.reference} is not the open attempt of dossier {state.code}"
        )
    if confirmation.amount != payment.amount:
        raise ActionRejected(
            f"dossier {state.code} owes {payment.amount} đồng, not {confirmation.amount}"
        )


def check_documents_room(state: DossierState, added: Sequence[object]) -> None:
    """A dossier holds at most MAX_DOSSIER_DOCUMENTS documents: what grows its state is bounded."""
    if added and len(state.documents) + len(added) > MAX_DOSSIER_DOCUMENTS:
        raise ActionRejected(
            f"dossier {state.code} holds {len(state.documents)} documents: at most"
            f" {MAX_DOSSIER_DOCUMENTS} in all, so {len(added)} more cannot be added"
        )


def check_withdrawal(state: DossierState, procedure: Procedure, withdrawal: Withdrawal) -> None:
    check_open(state)
    check_receiver(procedure, withdrawal.officer)
    before_reception = state.status == DossierStatus.awaiting_payment and not state.received_at
    if state.status not in WITHDRAWABLE and not before_reception:
        raise ActionRejected(
            f"dossier {state.code} can no longer be withdrawn: the decision is made"
        )


def check_cancellation(state: DossierState, cancellation: Cancellation) -> None:
    check_open(state)
    if cancellation.officer.role != OPERATOR_ROLE:
        raise ActionRejected(f"only an operator may cancel; {cancellation.officer.id} is not one")


def check_confirmation(
    state: DossierState, procedure: Procedure, confirmation: DeliveryConfirmation
) -> None:
    check_open(state)
    if not state.awaiting_confirmation:
        raise ActionRejected(f"dossier {state.code} has no result awaiting delivery")
    reception = procedure.chain[0]
    officer = confirmation.officer
    assert isinstance(reception, ReceptionStage)
    one_stop = (officer.role, officer.unit, officer.agency) == (
        reception.role,
        reception.unit,
        procedure.agency,
    )
    if not one_stop and officer.role != OPERATOR_ROLE:
        raise ActionRejected(
            f"officer {officer.id} may not confirm delivery: it takes a {reception.role} of"
            f" {reception.unit} or an operator"
        )
