"""Steps shared by the tests of a dossier's history growth: supplement cycles, the runs of a
dossier's workflow and the size of what each added."""

from __future__ import annotations

from dataclasses import dataclass, field

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client, WorkflowHandle

from activities.document_store import DocumentStore
from config import Settings
from models.actions import Supplement
from models.dossier import DossierSubmission
from models.state import DossierState
from support.dossier_events import dossier_runs
from tests.security.dossiers import stored
from tests.workflows.harness import act, assignee, pay, procedure, send, submission
from workflows.dossier import DossierWorkflow


def extract_dossier(settings: Settings) -> DossierSubmission:
    """A civil-status extract (reception, review, decision) whose documents are in the store."""
    store = DocumentStore(settings.resolved_document_dir)
    sub = submission("extract")
    return sub.model_copy(update={"documents": [stored(store, d.kind, "") for d in sub.documents]})


async def supplement_cycle(handle: WorkflowHandle, n: int) -> DossierState:
    """Reception asks for a supplement; the applicant's note comes in at the counter."""
    reception = assignee(procedure("extract"), "reception")
    await act(handle, reception, "request_supplement", missing=[f"Bản sao {n}"], comment="Thiếu")
    return await send(handle, DossierWorkflow.supplement, Supplement(note=f"Đã bổ sung {n}"))


async def approve_to_the_end(handle: WorkflowHandle) -> DossierState:
    """Accepted, reviewed and approved; the fee paid, the result goes online and the dossier
    closes."""
    proc = procedure("extract")
    await act(handle, assignee(proc, "reception"), "accept")
    await act(handle, assignee(proc, "review"), "approve", comment="Đạt")
    await act(handle, assignee(proc, "decide"), "approve", comment="Đồng ý")
    await pay(handle)
    result: DossierState = await handle.result()
    return result


async def run_ids(client: Client, code: str) -> list[str]:
    return await dossier_runs(client, code)


async def history_bytes(client: Client, code: str) -> int:
    """The bytes of every event of every run of the dossier's workflow."""
    total = 0
    for run_id in await dossier_runs(client, code):
        history = await client.get_workflow_handle(code, run_id=run_id).fetch_history()
        total += sum(event.ByteSize() for event in history.events)
    return total


@dataclass
class Growth:
    """What each cycle added to the history of the run it happened in (the dev server says the
    size of a run's history); cycles across a run's end are left out."""

    client: Client
    code: str
    added: list[int] = field(default_factory=list)
    _last: tuple[str, int] | None = None

    async def look(self) -> None:
        raw = await self.client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(
                namespace=self.client.namespace, execution=WorkflowExecution(workflow_id=self.code)
            )
        )
        info = raw.workflow_execution_info
        now = (info.execution.run_id, info.history_size_bytes)
        if self._last is not None and self._last[0] == now[0]:
            self.added.append(now[1] - self._last[1])
        self._last = now
