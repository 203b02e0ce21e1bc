"""The dossier workflow's side effects: each an activity with a deterministic idempotency key."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TypeVar, cast

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from models.activity_interfaces import (
    DELIVER_RESULT,
    ISSUE_FORM,
    RECORD_CHANGE,
    RECORD_DOSSIER,
    SEND_NOTIFICATION,
    ActivityInterface,
)
from models.dossier import RECEPTION_CHANNELS, DossierSubmission
from models.effects import (
    DeliveryReceipt,
    DossierProjection,
    FormKind,
    FormRequest,
    Notification,
    Recipient,
    ResultDelivery,
)
from models.projection import Marks, change_since, opening_of
from models.state import DossierState, FormRef
from workflows import patches, record

RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
)
TIMEOUT = timedelta(seconds=30)
InputT = TypeVar("InputT")
ResultT = TypeVar("ResultT")


async def run(activity: ActivityInterface[InputT, ResultT], arg: InputT) -> ResultT:
    """Runs an activity by its interface: the workflow never loads its implementation."""
    result = await workflow.execute_activity(
        activity.name,
        arg,
        result_type=activity.result,
        start_to_close_timeout=TIMEOUT,
        retry_policy=RETRY,
    )
    return cast(ResultT, result)


class Effects:
    """Runs a dossier's activities; keys are `<code>:<n>:<what>`, `n` counting effects in order."""

    def __init__(
        self,
        submission: DossierSubmission,
        state: DossierState,
        count: int = 0,
        recorded: Marks | None = None,
    ) -> None:
        """`count` and `recorded`: where a previous run of the dossier left them."""
        self._submission = submission
        self._state = state
        self._count = count
        self._notices: list[asyncio.Task[None]] = []
        self.failed_unrecorded = False  # a notice failed since the projection last saw the state
        self._recorded = recorded  # how far the projection was told

    @property
    def count(self) -> int:
        """Effects run so far: the next run's keys go on from here."""
        return self._count

    @property
    def recorded(self) -> Marks | None:
        return self._recorded

    def idle(self) -> bool:
        """No notice going out, none failed unrecorded: nothing would be lost by stopping."""
        return not self.failed_unrecorded and all(task.done() for task in self._notices)

    def _key(self, what: str) -> str:
        self._count += 1
        return f"{self._submission.code}:{self._count}:{what}"

    async def record(self) -> None:
        """Tells the projection what changed (an upsert: a retry changes nothing). Dossiers
        started before changes existed send their whole state each time."""
        self._count += 1
        self.failed_unrecorded = False
        state, sub, told = self._state, self._submission, self._recorded
        self._recorded = Marks.of(state)  # before the await: an update may add to the state
        if workflow.patched(patches.PROJECTION_CHANGES):
            opening = opening_of(sub) if told is None else None
            await run(RECORD_CHANGE, change_since(state, told or Marks(), opening))
        else:
            await run(
                RECORD_DOSSIER,
                DossierProjection(state=state, reference=sub.reference, applicant=sub.applicant),
            )

    async def notify_applicant(self, template: str, **context: str) -> None:
        applicant = self._submission.applicant
        recipient = Recipient(audience="applicant", email=applicant.email, phone=applicant.phone)
        await self._notify(template, recipient, context)

    async def notify_officers(
        self,
        template: str,
        *,
        role: str | None,
        unit: str | None,
        agency: str | None,
        officers: list[str] | None = None,
        **context: str,
    ) -> None:
        """Officers of a role, unit and agency (None: any), or the officers named."""
        recipient = Recipient(
            audience="officers", role=role, unit=unit, agency=agency, officers=officers or []
        )
        await self._notify(template, recipient, context)

    async def _notify(self, template: str, recipient: Recipient, context: dict[str, str]) -> None:
        procedure = self._submission.procedure
        base = {
            "code": self._submission.code,
            "procedure_name": procedure.name,
            "agency": self._submission.names.agency(procedure.agency),
        }
        if context.get("stage"):  # people read the stage's name, not its id
            context = context | {"stage": procedure.stage_name(context["stage"])}
        notification = Notification(
            key=self._key(template),
            dossier_code=self._submission.code,
            template=template,
            recipient=recipient,
            context=base | context,
        )
        if workflow.patched(patches.CONCURRENT_NOTICES):
            self._notices = [task for task in self._notices if not task.done()]
            self._notices.append(asyncio.create_task(self._send(notification)))
        else:
            await self._send(notification)

    async def _send(self, notification: Notification) -> None:
        try:
            missed = await run(SEND_NOTIFICATION, notification)
        except ActivityError as err:
            # A notice that failed for good must not hold the dossier: record it for operators.
            missed = str(err.cause) if err.cause else str(err)
            workflow.logger.warning("notification_failed", extra={"key": notification.key})
        if missed:  # failed, or sent with some recipients refused
            self._state.failures.append(f"notification {notification.key}: {missed}")
            self.failed_unrecorded = True

    async def notices_sent(self) -> None:
        """Waits for the notices still going out (each ends sent or recorded as failed)."""
        while pending := [task for task in self._notices if not task.done()]:
            await workflow.wait(pending)  # asyncio.wait orders by a set: not replay-safe
        self._notices.clear()

    async def issue_form(self, kind: FormKind, **context: str) -> FormRef:
        """Issues a form sealed by the agency over the record so far, then records it."""
        form = await run(
            ISSUE_FORM,
            FormRequest(
                key=self._key(kind),
                dossier_code=self._submission.code,
                kind=kind,
                issued_at=workflow.now(),
                agency=self._submission.procedure.agency,
                record_head=record.head(self._state),
                context=self._form_context() | context,
            ),
        )
        self._state.forms.append(form)
        record.form(self._state, form)
        return form

    def _form_context(self) -> dict[str, str]:
        """What every form prints of the dossier: its procedure, agency (by name; the seal takes
        its id), applicant, reception."""
        sub = self._submission
        reception = sub.procedure.chain[0]
        return {
            "procedure_code": sub.procedure.code,
            "procedure_name": sub.procedure.name,
            "agency": sub.names.agency(sub.procedure.agency),
            "reception_unit": sub.names.units.get(getattr(reception, "unit", ""), ""),
            "applicant_name": sub.applicant.name,
            "received_via": RECEPTION_CHANNELS[sub.received_via],
            "received_by": sub.received_by.name if sub.received_by else "",
        }

    async def deliver(self, form: FormRef) -> DeliveryReceipt:
        receipt = await run(
            DELIVER_RESULT,
            ResultDelivery(
                key=self._key("delivery"),
                dossier_code=self._submission.code,
                channel=self._submission.delivery,
                form_sha256=form.sha256,
                address=self._submission.applicant.address,
            ),
        )
        record.handover(self._state, form, receipt)
        return receipt
