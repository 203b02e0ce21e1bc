"""The chair's conclusion of a council asking for revisions: on the record, not a revision."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from config import Settings
from models.dossier import DossierStatus
from models.tables import NotificationRecord
from support.catalogue import load_officers, publish_officers
from tests.workflows.harness import PROCEDURES, act, officers, running_worker
from tests.workflows.test_council import CHAIR, convened, vote
from tests.workflows.test_lifecycle import rows

pytestmark = pytest.mark.timeout(120)


async def test_the_chairs_conclusion_is_not_listed_among_the_revisions_asked(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(skip_env, settings) as queue:
        with Session(make_engine(settings.resolved_database_url)) as session:
            publish_officers(session, load_officers(PROCEDURES / "officers.yaml"))
            session.commit()
        handle = await convened(skip_env, queue)
        await vote(handle, CHAIR, "pass_with_revisions", "Bổ sung quan trắc nước ngầm")
        await vote(handle, "hd.expert-1", "pass")
        await vote(handle, "hd.expert-2", "pass_with_revisions", "Làm rõ phương án thoát nước")
        await vote(handle, "hd.expert-3", "pass")
        await vote(handle, "xd.specialist", "pass")
        state = await act(handle, officers()[CHAIR], "conclude", comment="Kết luận phiên họp")

    assert state.status == DossierStatus.awaiting_supplement
    assert state.missing == ["Bổ sung quan trắc nước ngầm", "Làm rõ phương án thoát nước"]
    (conclusion,) = [entry for entry in state.actions if entry.action == "conclude"]
    assert (conclusion.action, conclusion.actor, conclusion.comment) == (
        "conclude",
        CHAIR,
        "Kết luận phiên họp",
    )
    (notice,) = [
        row
        for row in rows(settings, NotificationRecord, state.code)
        if row.template == "revisions_requested"
    ]
    assert "- Bổ sung quan trắc nước ngầm\n- Làm rõ phương án thoát nước\n" in notice.body
    assert "Kết luận phiên họp" not in notice.body
