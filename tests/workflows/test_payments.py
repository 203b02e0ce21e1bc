"""A dossier whose fee is paid through hoso waits for it, under the time-skipping server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from config import Settings
from models.dossier import DossierStatus, DossierSubmission, Receiver, ReceptionChannel
from models.payment import PaymentConfirmation, PaymentOpening
from models.procedure import FeePayment, Procedure
from models.state import DossierState
from models.tables import DossierRecord, NotificationRecord
from tests.workflows.harness import (
    act,
    assignee,
    pay,
    procedure,
    record_history,
    running_worker,
    start,
    submission,
)
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)


def paid_before_reception() -> Procedure:
    """The civil-status extract as a province that takes its fee before reception publishes it."""
    return procedure("extract").model_copy(
        update={"fee_payment": FeePayment.before_reception, "version": 2}
    )


def projected(settings: Settings, code: str) -> DossierRecord:
    with Session(make_engine(settings.resolved_database_url)) as session:
        row = session.get(DossierRecord, code)
        assert row is not None
        return row


def receipt_paid(state: DossierState) -> object:
    assert state.payment is not None
    return state.payment.paid_at


def templates(settings: Settings, code: str) -> list[str]:
    with Session(make_engine(settings.resolved_database_url)) as session:
        query = select(NotificationRecord).where(NotificationRecord.dossier_code == code)
        return [n.template for n in session.exec(query)]


async def test_approved_result_waits_for_the_fee_then_is_delivered_with_a_sealed_receipt(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("extract")
    assert (proc.payment, proc.fee) == (FeePayment.before_delivery, 8000)
    sub = submission("extract")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, assignee(proc, "reception"), "accept")
        await act(handle, assignee(proc, "review"), "approve")
        state = await act(handle, assignee(proc, "decide"), "approve", comment="Đồng ý")
        assert state.status == DossierStatus.awaiting_payment
        assert state.payment is not None and state.payment.amount == 8000
        assert state.payment.pay_by is not None and state.payment.paid_at is None
        assert [f.kind for f in state.forms] == ["receipt", "result"]
        state = await pay(handle)
        result = await handle.result()
        await record_history(handle, "fee_paid_before_delivery")
    assert result.status == DossierStatus.completed and result.outcome == "approved"
    assert result.payment is not None and result.payment.channel == "online"
    receipt = next(f for f in result.forms if f.kind == "payment_receipt")
    assert receipt.seal is not None
    assert [a.action for a in result.actions][-2:] == ["payment_started", "fee_paid"]
    sent = templates(settings, sub.code)
    assert {"payment_requested", "payment_received", "result_ready_online"} <= set(sent)
    row = projected(settings, sub.code)  # what the fees report and indicator 3.6 count
    assert (row.fee_amount, row.fee_channel, row.fee_paid_at) == (
        8000,
        "online",
        receipt_paid(result),
    )


async def test_fee_paid_before_reception_starts_the_due_date_from_the_payment(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = paid_before_reception()
    sub = submission("extract").model_copy(update={"procedure": proc})
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        state = await act(handle, assignee(proc, "reception"), "accept")
        assert state.status == DossierStatus.awaiting_payment
        assert state.received_at is None and state.due_date is None
        await skip_env.sleep(timedelta(days=1))  # the applicant's day does not count
        state = await pay(handle)
        assert state.status == DossierStatus.in_review and state.stage == "review"
        assert state.received_at is not None and state.payment is not None
        assert state.received_at >= state.payment.paid_at  # type: ignore[operator]
        assert state.due_date == sub.calendar.due_date(state.received_at, proc.working_days)
        assert [f.kind for f in state.forms] == ["payment_receipt", "receipt"]
        await act(handle, assignee(proc, "review"), "approve")
        state = await act(handle, assignee(proc, "decide"), "approve")
        assert state.status == DossierStatus.completed  # paid once: delivered at once


def at_the_counter(proc: Procedure) -> DossierSubmission:
    """An extract dossier the reception officer of `proc` receives at the counter."""
    reception = assignee(proc, "reception")
    return submission("extract").model_copy(
        update={
            "procedure": proc,
            "received_via": ReceptionChannel.counter,
            "received_by": Receiver(id=reception.id, name="Cán bộ một cửa"),
        }
    )


async def test_a_fee_paid_before_reception_is_taken_in_cash_at_the_counter(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = paid_before_reception()
    reception = assignee(proc, "reception")
    sub = at_the_counter(proc)
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        state = await act(handle, reception, "accept")
        assert state.status == DossierStatus.in_review and state.received_at is not None
        assert state.payment is not None and state.payment.channel == "counter"
        assert state.actions[-1].action == "fee_paid" and state.actions[-1].actor == reception.id
        await act(handle, assignee(proc, "review"), "approve")
        state = await act(handle, assignee(proc, "decide"), "approve")
        assert state.status == DossierStatus.completed
    assert projected(settings, sub.code).fee_channel == "counter"  # not online for 3.6


async def test_a_counter_dossier_pays_a_fee_due_before_delivery_with_its_result(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("extract")
    sub = at_the_counter(proc)
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        state = await act(handle, assignee(proc, "reception"), "accept")
        assert state.status == DossierStatus.in_review and state.payment is None
        await act(handle, assignee(proc, "review"), "approve")
        state = await act(handle, assignee(proc, "decide"), "approve")
        assert state.status == DossierStatus.awaiting_payment
        assert state.payment is not None and state.payment.paid_at is None
        state = await pay(handle)
        result = await handle.result()
        await record_history(handle, "counter_fee_paid_before_delivery")
    assert result.status == DossierStatus.completed
    assert result.payment is not None and result.payment.channel == "online"
    assert projected(settings, sub.code).fee_channel == "online"  # counted for 3.6


async def test_a_payment_for_another_attempt_or_amount_is_refused_and_changes_nothing(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = paid_before_reception()
    sub = submission("extract").model_copy(update={"procedure": proc})
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, assignee(proc, "reception"), "accept")
        opening = PaymentOpening(reference=f"{sub.code}-a1", amount=8000)
        await handle.execute_update(DossierWorkflow.open_payment, opening)
        for wrong in (
            PaymentConfirmation(reference=f"{sub.code}-zz", amount=8000),
            PaymentConfirmation(reference=opening.reference, amount=800),
        ):
            with pytest.raises(WorkflowUpdateFailedError):
                await handle.execute_update(DossierWorkflow.pay, wrong)
        state = await handle.query(DossierWorkflow.state)
        assert state.status == DossierStatus.awaiting_payment
        assert state.payment is not None and state.payment.paid_at is None


async def test_an_applicant_who_never_pays_sees_the_dossier_end_with_a_notice(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("extract")
    sub = submission("extract")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, assignee(proc, "reception"), "accept")
        await act(handle, assignee(proc, "review"), "approve")
        state = await act(handle, assignee(proc, "decide"), "approve")
        assert state.payment is not None and state.payment.pay_by is not None
        await skip_env.sleep(timedelta(days=(proc.payment_working_days or 0) * 2 + 15))
        result = await handle.result()
    assert result.status == DossierStatus.cancelled and result.outcome == "unpaid"
    assert result.closed_at is not None and result.closed_at >= state.payment.pay_by
    assert "payment_expired" in templates(settings, sub.code)


async def test_a_dossier_rejected_after_it_paid_owes_the_refund(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = paid_before_reception()
    sub = submission("extract").model_copy(update={"procedure": proc})
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, assignee(proc, "reception"), "accept")
        await pay(handle)
        await act(handle, assignee(proc, "review"), "approve")
        await act(handle, assignee(proc, "decide"), "reject", comment="Không có trong sổ")
        result = await handle.result()
    assert result.outcome == "rejected"
    assert result.payment is not None and result.payment.refund_owed
    assert "refund_owed" in [a.action for a in result.actions]
