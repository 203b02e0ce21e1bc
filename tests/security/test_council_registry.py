"""Issue 22, item 13: a council is seated only as the registry allows — its members officers of
the registry, its experts those the registry marks as experts — whatever door the convening
came through; the refusal names the member."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from config import Settings
from models.actions import CouncilMember
from models.state import DossierState
from tests.workflows.harness import running_worker, start, submission
from tests.workflows.test_council import (
    CHAIR,
    EXPERTS,
    OFFICIALS,
    appointment,
    at_council,
    convene,
    registry,  # noqa: F401 (the sample roster in the registry)
)
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)


async def test_a_council_of_strangers_or_false_experts_is_not_seated(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, submission("council"))
        await at_council(handle)

        async def refused(council) -> str:  # type: ignore[no-untyped-def]
            with pytest.raises(WorkflowUpdateFailedError) as failure:
                await convene(handle, council)
            state: DossierState = await handle.query(DossierWorkflow.state)
            assert state.councils == []
            return str(failure.value.cause)

        # A member nobody registered.
        ghost = appointment(officials=[*OFFICIALS[:-1], "ghost.member"])
        assert "council member ghost.member is not an officer of the registry" in await refused(
            ghost
        )
        # Officials convened as "experts".
        posing = appointment(experts=[*EXPERTS[:2], OFFICIALS[-1]], officials=OFFICIALS[:-1])
        posing = posing.model_copy(
            update={"members": [*posing.members, CouncilMember(id="hd.expert-3")]}
        )
        reason = await refused(posing)
        assert f"council member {OFFICIALS[-1]} is named an expert" in reason
        assert "the registry does not mark them as one" in reason

        # As the registry has them, the council sits.
        state = await convene(handle)
        assert (state.councils[-1].chair, state.councils[-1].experts) == (CHAIR, EXPERTS)
