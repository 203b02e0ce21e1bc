"""The running dossiers whose workflow task keeps failing, for operators: each with its cause and
the reset that would mend it (support/stuck_dossiers.py finds them by replaying their histories);
and the open dossiers whose workflow Temporal ended (support/ended_dossiers.py).
An operator of one agency sees that agency's; a province-wide operator every one."""

from __future__ import annotations

from pydantic import BaseModel, Field
from temporalio.client import Client

from operations.access import Caller, readable_agencies
from operations.mending import require_operator
from operations.services import Services
from support.ended_dossiers import end_reason, ended_dossiers
from support.stuck_dossiers import StuckTask, stuck_codes, stuck_task
from workflows import search_attributes as sa


class StuckDossier(BaseModel):
    code: str
    attempt: int = Field(description="how many times its workflow task failed")
    cause: str
    reset_point: int = Field(description="the completed workflow task to reset to (0: none)")
    replays: bool = Field(description="its whole history replays on the current code")
    actions: int = Field(description="officers' actions a reset would send again")
    ended: str | None = Field(
        default=None,
        description="terminated | failed | timed_out | canceled: Temporal ended its workflow"
        " while the dossier was open (`cause` says why); no reset mends it",
    )

    @classmethod
    def of(cls, task: StuckTask) -> StuckDossier:
        return cls(
            code=task.code,
            attempt=task.attempt,
            cause=task.cause,
            reset_point=task.reset_point,
            replays=task.replays,
            actions=len(task.actions),
        )


async def _in_reach(client: Client, code: str, agencies: set[str] | None) -> bool:
    if agencies is None:
        return True
    described = await client.get_workflow_handle(code).describe()
    return described.typed_search_attributes.get(sa.AGENCY) in agencies


async def stuck_dossiers(client: Client, caller: Caller, services: Services) -> list[StuckDossier]:
    """The caller's stuck dossiers (operators only)."""
    require_operator(caller)
    agencies = readable_agencies(caller, services.settings)
    found = []
    for code in await stuck_codes(client, services.settings.task_queue):
        if await _in_reach(client, code, agencies) and (task := await stuck_task(client, code)):
            found.append(StuckDossier.of(task))
    for ended in await ended_dossiers(client, services.settings.task_queue):
        if agencies is None or ended.agency in agencies:
            cause = f"at {ended.status or 'an open status'}: {await end_reason(client, ended.code)}"
            found.append(
                StuckDossier(
                    code=ended.code,
                    attempt=0,
                    cause=cause,
                    reset_point=0,
                    replays=True,
                    actions=0,
                    ended=ended.ended,
                )
            )
    return found
