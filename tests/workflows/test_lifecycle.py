"""Every path of a dossier's lifecycle, under the time-skipping server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from config import Settings
from models.actions import Cancellation, DeliveryConfirmation, Supplement, Withdrawal
from models.dossier import DocumentRef, DossierStatus
from models.procedure import DeliveryChannel
from models.tables import ActionRecord, DeliveryRecord, DossierRecord, NotificationRecord
from tests.workflows.harness import (
    act,
    assignee,
    officer_for,
    pay,
    procedure,
    record_history,
    running_worker,
    send,
    start,
    submission,
)
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)


def rows(settings: Settings, table: type, code: str) -> list:
    with Session(make_engine(settings.resolved_database_url)) as session:
        column = table.code if table is DossierRecord else table.dossier_code
        return list(session.exec(select(table).where(column == code)))


async def test_eia_dossier_goes_through_its_whole_chain_to_an_online_result(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("eia")
    sub = submission("eia")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        state = await act(handle, assignee(proc, "reception"), "accept")
        assert state.status == DossierStatus.in_review
        assert state.stage == "specialist"
        assert state.due_date == sub.calendar.due_date(state.received_at, proc.working_days)
        assert [f.kind for f in state.forms] == ["receipt"]

        state = await act(handle, assignee(proc, "specialist"), "approve", comment="Đạt yêu cầu")
        assert state.stage == "consult"
        assert set(state.awaiting_agencies) == set(proc.stage("consult").agencies)
        for agency in proc.stage("consult").agencies:
            state = await act(
                handle,
                officer_for(agency=agency, role=_consulted_role(agency)),
                "concur",
                comment="Thống nhất",
            )
        assert state.stage == "head"
        state = await act(handle, assignee(proc, "head"), "approve")
        state = await act(handle, assignee(proc, "decide"), "approve", comment="Phê duyệt")
        assert state.status == DossierStatus.completed
        assert state.outcome == "approved"
        result = await handle.result()
        await record_history(handle, "eia_approved_online")

    assert [f.kind for f in result.forms] == ["receipt", "result"]
    assert [v.stage for v in result.visits] == [
        "reception",
        "specialist",
        "consult",
        "head",
        "decide",
    ]
    record = rows(settings, DossierRecord, sub.code)[0]
    assert record.status == "completed"
    assert len(rows(settings, ActionRecord, sub.code)) == len(result.actions) == 7
    templates = [n.template for n in rows(settings, NotificationRecord, sub.code)]
    assert templates.count("receipt_issued") == 1
    assert "result_ready_online" in templates
    assert all(n.sent_at for n in rows(settings, NotificationRecord, sub.code))


def _consulted_role(agency: str) -> str:
    from tests.workflows.harness import officers

    return next(o.role for o in officers().values() if o.agency == agency)


async def test_result_by_post_completes_when_delivery_is_confirmed(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("extract")
    sub = submission("extract", DeliveryChannel.post)
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        for stage in proc.chain:
            state = await act(
                handle,
                assignee(proc, stage.id),
                "accept" if stage.kind == "reception" else "approve",
            )
        assert state.status == DossierStatus.awaiting_payment
        state = await pay(handle)
        assert state.status == DossierStatus.delivering
        assert state.awaiting_confirmation
        assert state.tracking and state.tracking.startswith("VN")
        reception = assignee(proc, proc.chain[0].id)
        state = await send(
            handle,
            DossierWorkflow.confirm_delivery,
            DeliveryConfirmation(officer=reception, note="Đã phát"),
        )
        assert state.status == DossierStatus.completed
        await handle.result()
        await record_history(handle, "post_delivery_confirmed")
    delivered = rows(settings, DeliveryRecord, sub.code)
    assert [d.channel for d in delivered] == ["post"]


async def test_return_sends_dossier_back_to_the_previous_review_stage(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("eia")
    sub = submission("eia")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, assignee(proc, "reception"), "accept")
        await act(handle, assignee(proc, "specialist"), "approve")
        for agency in proc.stage("consult").agencies:
            await act(handle, officer_for(agency=agency, role=_consulted_role(agency)), "concur")
        state = await act(handle, assignee(proc, "head"), "return", comment="Bổ sung đánh giá")
        assert state.stage == "specialist"
        assert state.actions[-1].to_stage == "specialist"
        state = await act(
            handle,
            assignee(proc, "specialist"),
            "return",
            to_stage="reception",
            comment="Kiểm tra lại thành phần",
        )
        assert state.stage == "reception" and state.status == DossierStatus.received
        state = await act(handle, assignee(proc, "reception"), "accept")
        assert state.stage == "specialist"
        assert [f.kind for f in state.forms] == ["receipt"]  # one receipt, one due date


async def test_supplement_request_waits_for_the_applicant_then_resumes(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("eia")
    sub = submission("eia")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        state = await act(
            handle,
            assignee(proc, "reception"),
            "request_supplement",
            missing=["Bản vẽ mặt bằng tỷ lệ 1/500", "Dự án đầu tư bản ký số"],
            comment="Thiếu bản vẽ",
        )
        assert state.status == DossierStatus.awaiting_supplement
        assert state.missing == ["Bản vẽ mặt bằng tỷ lệ 1/500", "Dự án đầu tư bản ký số"]
        assert [f.kind for f in state.forms] == ["supplement_request"]
        added = DocumentRef(
            kind="drawings", file_name="ban-ve.pdf", sha256="ab" * 32, size=10, format="pdf"
        )
        state = await send(
            handle, DossierWorkflow.supplement, Supplement(documents=[added], note="Đã bổ sung")
        )
        assert state.status == DossierStatus.received
        assert added in state.documents and state.missing == []
        state = await act(handle, assignee(proc, "reception"), "accept")
        assert state.stage == "specialist"
        await send(handle, DossierWorkflow.withdraw, Withdrawal(reason="Rút hồ sơ"))
        await handle.result()
        await record_history(handle, "supplement_then_accept")
    notices = [
        n
        for n in rows(settings, NotificationRecord, sub.code)
        if n.template == "supplement_requested"
    ]
    assert len(notices) == 1
    assert "Bản vẽ mặt bằng tỷ lệ 1/500" in notices[0].body
    assert "Dự án đầu tư bản ký số" in notices[0].body


async def test_refusal_at_reception_closes_the_dossier_with_a_refusal_notice(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("permit")
    sub = submission("permit")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        state = await act(
            handle,
            assignee(proc, proc.chain[0].id),
            "refuse",
            comment="Không thuộc thẩm quyền giải quyết",
        )
        assert state.status == DossierStatus.refused
        result = await handle.result()
        await record_history(handle, "refused_at_reception")
    assert result.outcome == "refused"
    assert [f.kind for f in result.forms] == ["refusal"]
    assert rows(settings, DossierRecord, sub.code)[0].status == "refused"


async def test_rejection_at_decision_delivers_the_refusal_at_the_counter(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("extract")
    sub = submission("extract", DeliveryChannel.post)
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        for stage in proc.chain[:-1]:
            await act(
                handle,
                assignee(proc, stage.id),
                "accept" if stage.kind == "reception" else "approve",
            )
        state = await act(
            handle,
            assignee(proc, proc.chain[-1].id),
            "reject",
            comment="Không có thông tin trong sổ hộ tịch",
        )
        assert state.outcome == "rejected"
        assert [f.kind for f in state.forms] == ["receipt", "refusal"]
        assert state.status == DossierStatus.delivering


async def test_review_rejection_goes_to_the_decision_as_a_proposal(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("eia")
    sub = submission("eia")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, assignee(proc, "reception"), "accept")
        state = await act(
            handle,
            assignee(proc, "specialist"),
            "reject",
            comment="Vị trí dự án không phù hợp quy hoạch",
        )
        assert state.stage == "decide"
        assert state.proposal and "quy hoạch" in state.proposal


async def test_consultation_with_an_objection_records_it_and_moves_on(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("eia")
    sub = submission("eia")
    agencies = proc.stage("consult").agencies
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, assignee(proc, "reception"), "accept")
        await act(handle, assignee(proc, "specialist"), "approve")
        first = officer_for(agency=agencies[0], role=_consulted_role(agencies[0]))
        state = await act(handle, first, "object", comment="Chưa đảm bảo khoảng cách PCCC")
        assert state.stage == "consult"
        assert agencies[0] not in state.awaiting_agencies
        for agency in agencies[1:]:
            state = await act(
                handle, officer_for(agency=agency, role=_consulted_role(agency)), "concur"
            )
        assert state.stage == "head"
        assert [(o.agency, o.opinion) for o in state.opinions][0] == (agencies[0], "object")


async def test_consultation_that_times_out_counts_silence_as_consent(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("permit")
    consult = next(s for s in proc.chain if s.kind == "consultation")
    assert consult.on_timeout == "proceed"
    sub = submission("permit")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        index = proc.index(consult.id)
        for stage in proc.chain[:index]:
            await act(
                handle,
                assignee(proc, stage.id),
                "accept" if stage.kind == "reception" else "approve",
            )
        state = await handle.query(DossierWorkflow.state)
        assert state.stage == consult.id
        deadline = state.stage_due_at
        await skip_env.sleep(timedelta(days=consult.working_days * 2 + 10))
        state = await handle.query(DossierWorkflow.state)
        assert state.stage == proc.chain[index + 1].id
        assert {o.agency for o in state.opinions if o.opinion == "silent"} == set(consult.agencies)
        assert state.visits[index].left_at >= deadline
        await record_history(handle, "consultation_silence_is_consent")


async def test_applicant_withdraws_an_open_dossier(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("eia")
    sub = submission("eia")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, assignee(proc, "reception"), "accept")
        state = await send(handle, DossierWorkflow.withdraw, Withdrawal(reason="Nộp nhầm"))
        assert state.status == DossierStatus.withdrawn
        await handle.result()


async def test_operator_cancels_a_dossier_with_a_reason(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    sub = submission("eia")
    operator = officer_for(role="operator")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        state = await send(
            handle, DossierWorkflow.cancel, Cancellation(officer=operator, reason="Trùng hồ sơ")
        )
        assert state.status == DossierStatus.cancelled
        assert state.actions[-1].actor == operator.id
        await handle.result()


async def test_consultation_that_escalates_chases_the_silent_agencies_and_keeps_waiting(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("eia")
    consult = proc.stage("consult").model_copy(update={"on_timeout": "escalate"})
    chain = [consult if s.id == "consult" else s for s in proc.chain]
    sub = submission("eia")
    sub = sub.model_copy(update={"procedure": proc.model_copy(update={"chain": chain})})
    agencies = consult.agencies
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, assignee(proc, "reception"), "accept")
        await act(handle, assignee(proc, "specialist"), "approve")
        await act(
            handle, officer_for(agency=agencies[0], role=_consulted_role(agencies[0])), "concur"
        )
        await skip_env.sleep(timedelta(days=30))
        state = await handle.query(DossierWorkflow.state)
        assert state.stage == "consult" and state.awaiting_agencies == agencies[1:]
        assert state.actions[-1].action == "consultation_escalated"
        for agency in agencies[1:]:
            state = await act(
                handle,
                officer_for(agency=agency, role=_consulted_role(agency)),
                "object",
                comment="Trả lời muộn",
            )
        assert state.stage == "head"
        await record_history(handle, "consultation_escalated")
    chased = [
        n
        for n in rows(settings, NotificationRecord, sub.code)
        if n.template == "consultation_escalated"
    ]
    assert len(chased) == len(agencies) - 1


async def test_construction_permit_result_waits_at_the_counter_until_collected(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("permit")
    sub = submission("permit", DeliveryChannel.counter)
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        for stage in proc.chain:
            if stage.kind == "consultation":
                for agency in stage.agencies:
                    state = await act(
                        handle, officer_for(agency=agency, role=_consulted_role(agency)), "concur"
                    )
            else:
                name = "accept" if stage.kind == "reception" else "approve"
                state = await act(handle, assignee(proc, stage.id), name)
        assert state.status == DossierStatus.awaiting_payment
        state = await pay(handle)
        assert state.status == DossierStatus.delivering and state.awaiting_confirmation
        assert state.tracking is None
        operator = officer_for(role="operator")
        state = await send(
            handle,
            DossierWorkflow.confirm_delivery,
            DeliveryConfirmation(officer=operator, note="Người nộp đã nhận tại quầy"),
        )
        result = await handle.result()
    assert result.status == DossierStatus.completed and result.outcome == "approved"
    assert [v.stage for v in result.visits] == [s.id for s in proc.chain]
    templates = [n.template for n in rows(settings, NotificationRecord, sub.code)]
    assert "result_ready_at_counter" in templates
