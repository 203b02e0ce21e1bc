"""A portal's reference names one submission (issue 22, item 15): sent again with another
applicant's dossier, it is refused with a clear error that reveals nothing, and nothing is kept."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest
from sqlmodel import select
from temporalio.testing import WorkflowEnvironment

from config import Settings
from models.tables import SubmissionRecord
from support.intake import IntakeError
from tests.support.test_intake import Intake


@pytest.fixture
def live(settings: Settings, tmp_path: Path, dev_env: WorkflowEnvironment) -> Intake:
    intake = Intake(settings, tmp_path / "dossier")
    intake.settings = intake.settings.model_copy(update={"task_queue": f"ref-{uuid.uuid4()}"})
    return intake


async def test_another_applicant_with_a_used_reference_is_refused_and_learns_nothing(
    live: Intake, dev_env: WorkflowEnvironment
) -> None:
    reference = f"portal-{uuid.uuid4().hex}"
    first = await live.submit(live.write(live.dossier(reference=reference)), dev_env.client)
    other = live.dossier(reference=reference)
    other["applicant"] = {"name": "Trần Văn B", "id_number": "079201009876", "phone": "0987654321"}
    (live.folder / "report-b.pdf").write_bytes(b"%PDF-1.7 another applicant's report")
    other["documents"][0] = {"kind": "eia_report", "path": "report-b.pdf"}
    with pytest.raises(IntakeError) as refused:
        await live.submit(live.write(other, "other.yaml"), dev_env.client)
    message = str(refused.value)
    assert "already used for another submission" in message
    assert first.code not in message
    with live.sessions() as session:
        assert [r.code for r in session.exec(select(SubmissionRecord)).all()] == [first.code]
    stored = hashlib.sha256((live.folder / "report-b.pdf").read_bytes()).hexdigest()
    assert not live.store.exists(stored), "the refused submission's document was kept"


async def test_the_same_dossier_sent_again_with_its_reference_is_still_one_dossier(
    live: Intake, dev_env: WorkflowEnvironment
) -> None:
    reference = f"portal-{uuid.uuid4().hex}"
    path = live.write(live.dossier(reference=reference))
    first = await live.submit(path, dev_env.client)
    again = await live.submit(path, dev_env.client)
    assert again.duplicate and again.code == first.code
