"""The appraisal council (hội đồng thẩm định): convened per dossier, members vote, the council
decides; revisions go back to the applicant with the clock stopped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.database import create_schema, make_engine
from config import Settings
from models.actions import CouncilAppointment, CouncilMember, OfficerAction, Supplement
from models.dossier import DossierStatus
from models.state import DossierState
from models.tables import NotificationRecord
from support.catalogue import load_officers, publish_officers
from tests.situations import skip_to
from tests.workflows.harness import (
    PROCEDURES,
    act,
    assignee,
    officers,
    procedure,
    record_history,
    running_worker,
    send,
    start,
    submission,
)
from tests.workflows.test_deadlines import at, plain_monday
from tests.workflows.test_lifecycle import rows
from tests.workflows.test_rejected_actions import refused
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(autouse=True)
def registry(settings: Settings) -> None:
    """The sample roster in the workers' registry: a council seats its officers and experts."""
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    with Session(engine) as session:
        publish_officers(session, load_officers(PROCEDURES / "officers.yaml"))


COUNCIL = procedure("council")
CHAIR = "tnmt.deputy"
OFFICIALS = ["tnmt.deputy", "tnmt.specialist", "xd.specialist", "huyen.officer"]
EXPERTS = ["hd.expert-1", "hd.expert-2", "hd.expert-3"]


def appointment(
    officials: list[str] = OFFICIALS, experts: list[str] = EXPERTS, chair: str = CHAIR
) -> CouncilAppointment:
    return CouncilAppointment(
        chair=chair,
        members=[CouncilMember(id=i) for i in officials]
        + [CouncilMember(id=i, expert=True) for i in experts],
    )


async def at_council(handle: WorkflowHandle) -> DossierState:
    """Accepted and forwarded by the specialist: the council's convener holds it."""
    state: DossierState = await handle.query(DossierWorkflow.state)
    if state.stage == "reception":
        await act(handle, assignee(COUNCIL, "reception"), "accept")
    state = await act(handle, assignee(COUNCIL, "specialist"), "approve")
    assert state.stage == "council"
    return state


async def convene(
    handle: WorkflowHandle, council: CouncilAppointment | None = None
) -> DossierState:
    return await act(
        handle, assignee(COUNCIL, "council"), "convene", council=council or appointment()
    )


async def convened(server: WorkflowEnvironment, queue: str) -> WorkflowHandle:
    """A new dossier with its council sitting, nobody having voted."""
    handle = await start(server.client, queue, submission("council"))
    await at_council(handle)
    await convene(handle)
    return handle


async def vote(
    handle: WorkflowHandle, member: str, verdict: str, comment: str = ""
) -> DossierState:
    return await act(handle, officers()[member], verdict, comment=comment)


async def test_a_council_that_passes_sends_the_dossier_on_to_the_next_stage(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    sub = submission("council")
    async with running_worker(skip_env, settings) as queue:
        with Session(make_engine(settings.resolved_database_url)) as session:
            publish_officers(session, load_officers(PROCEDURES / "officers.yaml"))
            session.commit()
        handle = await start(skip_env.client, queue, sub)
        await at_council(handle)
        state = await convene(handle)
        council = state.councils[-1]
        assert (council.chair, council.experts) == (CHAIR, EXPERTS)
        assert council.members == OFFICIALS + EXPERTS
        assert state.stage == "council"
        for member in [*OFFICIALS, *EXPERTS][:-1]:
            state = await vote(handle, member, "pass")
            assert state.stage == "council"  # one member has not voted yet
        state = await vote(handle, EXPERTS[-1], "pass")
        assert state.stage == "head"
        assert state.councils[-1].outcome == "pass"
        await act(handle, assignee(COUNCIL, "head"), "approve")
        state = await act(handle, assignee(COUNCIL, "decide"), "approve", comment="Phê duyệt")
        result = await handle.result()
        await record_history(handle, "council_passes")

    assert result.status == DossierStatus.completed and result.outcome == "approved"
    decided = [a for a in result.actions if a.action == "council_decided"]
    assert [a.comment for a in decided] == ["pass (7 of 7 voted: 7 pass)"]
    votes = [a for a in result.actions if a.action == "pass"]
    assert [a.actor for a in votes] == OFFICIALS + EXPERTS
    # Each member was told, by name: the notice went to the seven, not to a whole unit.
    told = [
        r for r in rows(settings, NotificationRecord, sub.code) if r.template == "council_convened"
    ]
    assert len(told) == 1
    assert told[0].recipient == ", ".join(
        sorted(f"{m}@example.{'edu' if m in EXPERTS else 'gov'}.vn" for m in OFFICIALS + EXPERTS)
    )


async def test_a_council_that_fails_takes_the_proposed_refusal_to_the_decision(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(skip_env, settings) as queue:
        handle = await convened(skip_env, queue)
        await vote(handle, "hd.expert-1", "fail", "Đánh giá tác động không đầy đủ")
        await vote(handle, "hd.expert-2", "fail", "Thiếu phương án xử lý nước thải")
        await vote(handle, "hd.expert-3", "fail", "Thiếu phương án xử lý nước thải")
        for member in OFFICIALS[1:]:
            await vote(handle, member, "pass")
        state = await vote(handle, CHAIR, "pass")

    assert state.stage == "decide"
    assert state.councils[-1].outcome == "fail"  # 3 of 7 failed: more than a third
    assert state.proposal == (
        "reject: council: Đánh giá tác động không đầy đủ; Thiếu phương án xử lý nước thải"
    )


@pytest.mark.situations
async def test_council_revisions_stop_the_clock_and_the_revised_dossier_goes_on(
    env: WorkflowEnvironment,
    settings: Settings,
) -> None:
    assert COUNCIL.working_days == 30
    async with running_worker(env, settings) as queue:
        # Received at 10:00 on a Monday that begins weeks without a holiday.
        handle, monday = await plain_monday(env, queue, "council")
        state = await handle.query(DossierWorkflow.state)
        assert state.due_date == monday + timedelta(weeks=6)  # 30 weekdays later
        await skip_to(env, at(monday + timedelta(days=2), 10))  # Wednesday
        await at_council(handle)
        await convene(handle)
        await vote(handle, CHAIR, "pass_with_revisions", "Bổ sung quan trắc nước ngầm")
        await vote(handle, "hd.expert-1", "pass")
        await vote(handle, "hd.expert-2", "pass_with_revisions", "Làm rõ phương án thoát nước")
        await vote(handle, "hd.expert-3", "pass")
        state = await vote(handle, "xd.specialist", "pass")
        assert state.stage == "council"  # five of seven: a quorum, but the chair has not closed
        assert state.status == DossierStatus.in_review
        state = await act(handle, officers()[CHAIR], "conclude", comment="Kết luận phiên họp")
        assert state.status == DossierStatus.awaiting_supplement
        assert state.councils[-1].outcome == "pass_with_revisions"
        assert state.missing == [
            "Bổ sung quan trắc nước ngầm",
            "Làm rõ phương án thoát nước",
        ]
        assert [f.kind for f in state.forms] == ["receipt", "revision_request"]
        # Revisions the council asks for are not a supplement request counted against the agency.
        assert state.supplement_requests == 0
        reason = await refused(
            handle,
            DossierWorkflow.act,
            OfficerAction(officer=assignee(COUNCIL, "head"), action="approve"),
        )
        assert "waiting for the applicant's revisions" in reason

        # The next week's Friday: nine calendar days, seven working days.
        await skip_to(env, at(monday + timedelta(days=11), 10))
        state = await send(
            handle, DossierWorkflow.supplement, Supplement(note="Báo cáo đã chỉnh sửa")
        )
        await record_history(handle, "council_asks_revisions")

    assert state.stage == "head" and state.status == DossierStatus.in_review
    pause = state.suspensions[-1]
    assert (pause.reason, pause.working_days) == ("revisions", 7)
    assert state.due_date == monday + timedelta(weeks=7, days=2)  # seven working days later
    assert [f.kind for f in state.forms] == ["receipt", "revision_request", "receipt"]


async def test_council_actions_out_of_turn_are_refused_with_their_reason(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    head, chair = assignee(COUNCIL, "council"), officers()[CHAIR]

    def action(who: str, name: str, **fields: object) -> OfficerAction:
        return OfficerAction(officer=officers()[who], action=name, **fields)  # type: ignore[arg-type]

    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, submission("council"))
        await at_council(handle)

        async def reason(item: OfficerAction) -> str:
            return await refused(handle, DossierWorkflow.act, item)

        assert "no council sits at stage 'council' yet: the division_head of" in await reason(
            action("hd.expert-1", "pass")
        )
        small = appointment(officials=OFFICIALS[:3])
        assert "needs at least 7 members; 6 named" in await reason(
            action(head.id, "convene", council=small)
        )
        few_experts = appointment(officials=[*OFFICIALS, "tnmt.head"], experts=EXPERTS[:2])
        assert "needs at least 3 experts (1/3 of its members); 2 named" in await reason(
            action(head.id, "convene", council=few_experts)
        )
        assert "may not act at stage 'council'" in await reason(
            action("tnmt.specialist", "convene", council=appointment())
        )
        assert "applies to 'convene' only" in await reason(
            action(head.id, "return", comment="Chưa đủ", council=appointment())
        )
        await convene(handle)
        assert "tnmt.head is not a member of the council" in await reason(
            action("tnmt.head", "pass")
        )
        assert "'fail' needs a comment" in await reason(action("hd.expert-1", "fail"))
        await vote(handle, "hd.expert-1", "pass")
        assert "hd.expert-1 has already voted" in await reason(
            action("hd.expert-1", "fail", comment="Đổi ý")
        )
        assert "has begun voting (1 of 7)" in await reason(
            action(head.id, "convene", council=appointment())
        )
        for member in EXPERTS[1:] + OFFICIALS[1:3]:
            await vote(handle, member, "pass")
        assert "only the council's chair (tnmt.deputy) may conclude" in await reason(
            action("hd.expert-1", "conclude")
        )
        assert "the chair votes before concluding" in await reason(
            OfficerAction(officer=chair, action="conclude")
        )
        state = await vote(handle, CHAIR, "pass")
        assert len(state.councils[-1].votes) == 6 and state.stage == "council"
        # The convener may still send it back: the council sitting is dissolved, not decided.
        state = await act(handle, head, "return", comment="Hồ sơ cần rà soát lại")
    assert state.stage == "specialist"
    assert state.councils[-1].outcome == "dissolved"


async def test_a_quorum_is_two_thirds_of_the_members(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(skip_env, settings) as queue:
        handle = await convened(skip_env, queue)
        for member in [CHAIR, "hd.expert-1", "hd.expert-2", "hd.expert-3"]:
            await vote(handle, member, "pass")
        reason = await refused(
            handle, DossierWorkflow.act, OfficerAction(officer=officers()[CHAIR], action="conclude")
        )
        assert "no quorum yet: 4 of 7 members have voted, 5 are needed" in reason
        await vote(handle, "xd.specialist", "pass")
        state = await act(handle, officers()[CHAIR], "conclude")
    assert state.stage == "head"  # five votes, all `pass`: the council passes
    assert state.councils[-1].outcome == "pass"
