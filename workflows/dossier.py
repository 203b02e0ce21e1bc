"""DossierWorkflow: one dossier from reception through its review chain to the delivered result.

Officer actions arrive as updates. Validators reject what is not allowed now (nothing reaches the
history); accepted inputs queue up and the main loop applies them one at a time, in order, running
their side effects, so each update answers after its transition, with a small receipt (the state
is the `state` query's). A run whose history grew long hands the dossier over to a new run at a
quiet point (workflows/continuation.py).
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import Any, cast

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from models.actions import (
    CalendarChange,
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    RetryRequest,
    Supplement,
    Withdrawal,
)
from models.activity_interfaces import LOAD_TRUST
from models.continuation import ActionReceipt, Continuation
from models.credentials import TrustAnchors
from models.dossier import CLOSED_STATUSES, DossierStatus, DossierSubmission
from models.payment import PaymentConfirmation, PaymentOpening
from models.state import DossierState
from models.updates import QueuedInput, UpdateInput
from workflows import admission, handover, identity, patches, rules
from workflows import continuation as continuation_
from workflows.effects import RETRY, Effects
from workflows.transitions import Transitions

Queued = QueuedInput | PaymentOpening | PaymentConfirmation
"""What the loop applies in order: the officers' signed inputs, and the payments hoso's API
believed (the gateway's signature is checked there: workflows/payment.py)."""

TRUST_RELOAD_SPACING = timedelta(seconds=5)
"""However many `refresh_trust` signals come, the anchors reload at most this often."""


@workflow.defn
class DossierWorkflow:
    @workflow.init
    def __init__(self, start: DossierSubmission | Continuation) -> None:
        """`start`: the submission, or the continuation the dossier's previous run handed over
        (believed only once the run checked it, before anything else: `run`)."""
        continuation = start if isinstance(start, Continuation) else None
        submission = start.submission if isinstance(start, Continuation) else start
        self._submission = submission
        self._procedure = submission.procedure
        self._continuation = continuation
        self._state = (
            continuation.state.model_copy(deep=True)
            if continuation
            else DossierState(
                code=submission.code,
                procedure_code=submission.procedure.code,
                procedure_version=submission.procedure.version,
                procedure_name=submission.procedure.name,
                agency=submission.procedure.agency,
                status=DossierStatus.submitted,
                delivery=submission.delivery,
                submitted_at=submission.submitted_at,
                received_via=submission.received_via.value,
                received_by=submission.received_by.id if submission.received_by else None,
                documents=list(submission.documents),
            )
        )
        self._inbox: list[tuple[int, Queued]] = []
        self._outcomes: dict[int, str | ActionReceipt] = {}
        self._tickets = 0
        self._worked = False  # this run applied something: it may hand over to the next
        self._limits = continuation_.limits()
        if continuation is None:
            self._effects = Effects(submission, self._state)
            self._transitions = Transitions(submission, self._state, self._effects)
            self._transitions.open()
        else:
            self._effects = Effects(
                submission, self._state, continuation.effects, continuation.recorded
            )
            self._transitions = Transitions(
                submission, self._state, self._effects, continuation.calendar
            )
        self._trust: TrustAnchors | None = None
        # a continued run loads the anchors first: actions sent meanwhile wait for them
        self._trust_loading = continuation is not None
        self._trust_stale = False
        self._trust_loaded_at: datetime | None = None
        self._trust_reload_waiting = False
        # nonces a reset re-sends, past their lifetime; revocations an earlier run loaded
        self._readmitted: set[str] = set(continuation.readmitted) if continuation else set()
        self._revoked_before = list(continuation.revoked) if continuation else []
        self._nonce_times: dict[str, datetime] = {}  # when this run applied each nonce

    @workflow.run
    async def run(self, start: DossierSubmission | Continuation) -> DossierState:
        submission = self._submission
        if isinstance(start, Continuation):
            await self._admit(continuation_.refusal(start))
            await self._load_trust()
            self._transitions.resume()
        else:
            await self._begin(submission)
        transitions = self._transitions
        while self._state.status not in CLOSED_STATUSES:
            # a reload asked for is waited for: a revoked token's action waits for it too
            await workflow.wait_condition(
                lambda: (
                    (bool(self._inbox) and not self._trust_reload_waiting)
                    or transitions.deadline_due()
                    or self._trust_stale
                    or self._quiet_and_long()
                )
            )
            if self._quiet_and_long():
                await self._continue_as_new()
                continue
            self._worked = True
            if self._trust_stale:
                await self._load_trust()
                continue
            if transitions.deadline_due():
                await transitions.deadline_passed()
                continue
            ticket, item = self._inbox.pop(0)
            before = len(self._state.actions), len(self._state.record)
            try:
                await self._apply(item)
                self._outcomes[ticket] = ActionReceipt.after(self._state, *before)
            except rules.ActionRejected as rejected:
                self._outcomes[ticket] = str(rejected)
        for ticket, _ in self._inbox:
            self._outcomes[ticket] = f"dossier {self._state.code} is closed"
        self._inbox.clear()
        await self._transitions.settle()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    async def _begin(self, submission: DossierSubmission) -> None:
        if workflow.patched(patches.INTAKE_SEAL):
            await self._admit(admission.refusal(submission))
        if workflow.patched(patches.OFFICER_CREDENTIALS):
            await self._load_trust()
        await self._transitions.start()

    async def _admit(self, verdict: Awaitable[ApplicationError | None]) -> None:
        """Nothing happens before the start is admitted; actions sent meanwhile wait (as while
        the anchors load), and are refused with the start."""
        self._trust_loading = True
        refused = await verdict
        if refused is None:
            return
        for ticket, _ in self._inbox:
            self._outcomes[ticket] = refused.message
        self._inbox.clear()
        await workflow.wait_condition(workflow.all_handlers_finished)
        raise refused

    def _quiet_and_long(self) -> bool:
        """The run's history is long and nothing is under way: time to hand over."""
        return (
            self._worked
            and not self._inbox
            and not self._trust_reload_waiting
            and not self._trust_stale
            and not self._transitions.deadline_due()
            and workflow.all_handlers_finished()
            and continuation_.history_long(self._limits)
            and workflow.patched(patches.CONTINUE_AS_NEW)
        )

    async def _continue_as_new(self) -> None:
        """Every notice sent and recorded, then (if still quiet) the next run takes over."""
        await self._transitions.settle()
        if not (self._quiet_and_long() and self._effects.idle()):
            return  # an action came in meanwhile: the loop applies it first
        run = self._continuation.run + 1 if self._continuation else 2
        handed = Continuation(
            submission=self._submission,
            state=self._handed_state(),
            calendar=self._transitions.clock.calendar,
            effects=self._effects.count,
            recorded=self._effects.recorded,
            run=run,
            revoked=list(self._trust.revoked) if self._trust else self._revoked_before,
            readmitted=sorted(self._readmitted),
        )
        workflow.logger.info("dossier_continued", extra={"dossier": self._state.code, "run": run})
        workflow.continue_as_new(handed)

    def _handed_state(self) -> DossierState:
        """What the next run takes over: a bounded state (dossiers continued before: whole)."""
        if not workflow.patched(patches.BOUNDED_HANDOVER):
            return self._state
        return handover.bounded(
            self._state,
            self._effects.recorded,
            workflow.now(),
            self._nonce_times,
            workflow.info().start_time,
            self._readmitted,
        )

    def _took_nonce(self, nonce: str) -> None:
        """A signed input applied: its nonce is spent (a replay of it is refused)."""
        self._state.nonces.append(nonce)
        self._nonce_times[nonce] = workflow.now()

    async def _load_trust(self) -> None:
        """The issuer keys and revoked tokens, from the worker (never from a caller)."""
        self._trust_loading = True
        self._trust_stale = False
        anchors: TrustAnchors = await workflow.execute_activity(
            LOAD_TRUST.name,
            result_type=LOAD_TRUST.result,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RETRY,
        )
        # a continued run holds what its previous runs loaded before it loads anything
        held = self._trust.revoked if self._trust is not None else self._revoked_before
        if (self._trust is not None or held) and workflow.patched(patches.REVOCATIONS_KEPT):
            # a revocation once loaded stays: undoing it in the database reaches no open dossier
            kept = sorted(set(held) | set(anchors.revoked))
            anchors = anchors.model_copy(update={"revoked": kept})
        self._trust = anchors
        self._trust_loading = False
        self._trust_loaded_at = workflow.now()

    def _check_identity(self, item: UpdateInput) -> None:
        """In a validator: all checks; while the anchors load, the rest waits for the loop."""
        if self._trust is None and not self._trust_loading:
            raise rules.ActionRejected(
                f"dossier {self._state.code} has no trust anchors yet: an operator runs"
                " `hoso officers refresh-trust`"
            )
        proof = identity.check(self._state, item, self._trust)
        if proof.nonce not in self._readmitted:
            identity.check_fresh(proof, workflow.now())

    async def _apply(self, item: Queued) -> None:
        t = self._transitions
        if isinstance(item, PaymentOpening | PaymentConfirmation):
            await self._apply_payment(item)
            return
        if isinstance(item, UpdateInput) and self._trust is not None:
            # Dossiers replayed from before credentials (no anchors) applied actions unchecked.
            proof = identity.check(self._state, item, self._trust)
            self._took_nonce(proof.nonce)
        match item:
            case OfficerAction():
                day_off = self._apology_to_a_day_off_replayed(item)
                rules.check_action(
                    self._state, self._procedure, item, t.clock.calendar, day_off_allowed=day_off
                )
                await t.act(item)
            case Supplement():
                rules.check_supplement(self._state, self._procedure, item)
                await t.reception.supplement(item)
            case Withdrawal():
                rules.check_withdrawal(self._state, self._procedure, item)
                await t.outcome.withdraw(item)
            case Cancellation():
                rules.check_cancellation(self._state, item)
                await t.outcome.cancel(item)
            case CalendarChange():
                rules.check_calendar_change(self._state, item)
                await t.lateness.change_calendar(item)
            case _:
                rules.check_confirmation(self._state, self._procedure, item)
                await t.outcome.confirm_delivery(item)

    async def _apply_payment(self, item: PaymentOpening | PaymentConfirmation) -> None:
        t = self._transitions
        if isinstance(item, PaymentOpening):
            rules.check_payment_opening(self._state, item)
            t.open_payment(item)
        else:
            rules.check_payment(self._state, item)
            await t.paid(item)

    def _apology_to_a_day_off_replayed(self, action: OfficerAction) -> bool:
        """An apology to a day off, accepted by dossiers started before such dates were refused:
        replayed, it is applied as it was (the validator refuses it for the others)."""
        day = action.new_due_date
        if action.action != "apologize" or day is None:
            return False
        calendar = self._transitions.clock.calendar
        return not calendar.is_working_day(day) and not workflow.patched(
            patches.APOLOGY_ON_WORKING_DAY
        )

    async def _enqueue(self, item: Queued) -> ActionReceipt:
        self._tickets += 1
        ticket = self._tickets
        self._inbox.append((ticket, item))
        await workflow.wait_condition(lambda: ticket in self._outcomes)
        outcome = self._outcomes.pop(ticket)
        if isinstance(outcome, str):
            # Validated against an older state, then overtaken by another action.
            raise ApplicationError(outcome, type="ActionRejected", non_retryable=True)
        return self._answer(outcome)

    def _answer(self, receipt: ActionReceipt) -> ActionReceipt:
        """What an update answers: its receipt. Dossiers started before answered their whole
        state (a caller reads it as a receipt: the receipt's fields are the state's)."""
        if workflow.patched(patches.SMALL_ANSWERS):
            return receipt
        whole: Any = self._state  # the SDK serialises it as the handler returns
        return cast(ActionReceipt, whole)

    @workflow.query
    def state(self) -> DossierState:
        return self._state

    @workflow.query
    def stage(self) -> str | None:
        """Where the dossier is: what an officer's signature names (the whole state is not
        needed, nor sent, to sign an action)."""
        return self._state.stage

    @workflow.signal
    async def refresh_trust(self) -> None:
        """Reload the trust anchors (after a revocation or a new issuer key). Anyone may ask (the
        anchors come from the worker), so asking carries no work: signals coalesce into at most
        one pending reload, none sooner than TRUST_RELOAD_SPACING after the last."""
        if not workflow.patched(patches.TRUST_RELOAD_SPACED):
            self._trust_stale = True
            return
        if self._trust_stale or self._trust_reload_waiting:
            return
        self._trust_reload_waiting = True
        last = self._trust_loaded_at
        wait = (last + TRUST_RELOAD_SPACING - workflow.now()) if last else timedelta(0)
        try:
            if wait > timedelta(0):
                await workflow.wait_condition(
                    lambda: self._state.status in CLOSED_STATUSES, timeout=wait
                )
        except TimeoutError:
            pass
        finally:
            self._trust_reload_waiting = False
        self._trust_stale = True

    @workflow.update
    async def act(self, action: OfficerAction) -> ActionReceipt:
        return await self._enqueue(action)

    @act.validator
    def _validate_act(self, action: OfficerAction) -> None:
        self._check_identity(action)
        rules.check_action(self._state, self._procedure, action, self._transitions.clock.calendar)

    @workflow.update
    async def supplement(self, supplement: Supplement) -> ActionReceipt:
        return await self._enqueue(supplement)

    @supplement.validator
    def _validate_supplement(self, supplement: Supplement) -> None:
        self._check_identity(supplement)
        rules.check_supplement(self._state, self._procedure, supplement)

    @workflow.update
    async def withdraw(self, withdrawal: Withdrawal) -> ActionReceipt:
        return await self._enqueue(withdrawal)

    @withdraw.validator
    def _validate_withdraw(self, withdrawal: Withdrawal) -> None:
        self._check_identity(withdrawal)
        rules.check_withdrawal(self._state, self._procedure, withdrawal)

    @workflow.update
    async def cancel(self, cancellation: Cancellation) -> ActionReceipt:
        return await self._enqueue(cancellation)

    @cancel.validator
    def _validate_cancel(self, cancellation: Cancellation) -> None:
        self._check_identity(cancellation)
        rules.check_cancellation(self._state, cancellation)

    @workflow.update
    async def confirm_delivery(self, confirmation: DeliveryConfirmation) -> ActionReceipt:
        return await self._enqueue(confirmation)

    @workflow.update
    def retry(self, request: RetryRequest) -> ActionReceipt:
        """Recorded at once, not queued: the loop may be waiting on the very activity retried."""
        before = len(self._state.actions), len(self._state.record)
        if request.proof is not None:
            self._took_nonce(request.proof.nonce)
        self._readmitted.update(request.readmit or ())
        self._transitions.record_retry(request)
        return self._answer(ActionReceipt.after(self._state, *before))

    @retry.validator
    def _validate_retry(self, request: RetryRequest) -> None:
        self._check_identity(request)
        rules.check_retry(self._state, request)

    @workflow.update
    async def change_calendar(self, change: CalendarChange) -> ActionReceipt:
        return await self._enqueue(change)

    @change_calendar.validator
    def _validate_change_calendar(self, change: CalendarChange) -> None:
        self._check_identity(change)
        rules.check_calendar_change(self._state, change)

    @workflow.update
    async def open_payment(self, opening: PaymentOpening) -> ActionReceipt:
        """The applicant starts an attempt to pay the fee (hoso's API, from the public side)."""
        return await self._enqueue(opening)

    @open_payment.validator
    def _validate_open_payment(self, opening: PaymentOpening) -> None:
        rules.check_payment_opening(self._state, opening)

    @workflow.update
    async def pay(self, confirmation: PaymentConfirmation) -> ActionReceipt:
        """The gateway confirmed the open attempt (hoso's API checked its IPN)."""
        return await self._enqueue(confirmation)

    @pay.validator
    def _validate_pay(self, confirmation: PaymentConfirmation) -> None:
        rules.check_payment(self._state, confirmation)

    @confirm_delivery.validator
    def _validate_confirm_delivery(self, confirmation: DeliveryConfirmation) -> None:
        self._check_identity(confirmation)
        rules.check_confirmation(self._state, self._procedure, confirmation)
