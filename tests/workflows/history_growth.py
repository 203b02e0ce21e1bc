"""Steps shared by the tests of a dossier's history growth: supplement cycles, the runs of a
dossier's workflow and the size of what each added."""

from __future__ import annotations

from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter

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


async def handed_over(client: Client, code: str) -> list[int]:
    """The bytes of what each run of the dossier took over from the one before (its start input,
    as the server holds it: encoded by the client's data converter), in the order of the runs."""
    sizes = []
    for run_id in (await dossier_runs(client, code))[1:]:
        history = await client.get_workflow_handle(code, run_id=run_id).fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes
        sizes.append(sum(payload.ByteSize() for payload in started.input.payloads))
    return sizes


def sizes_by_field(state: DossierState) -> dict[str, int]:
    """The bytes of each field of `state`, each serialised alone as the data converter does."""
    convert = pydantic_data_converter.payload_converter
    return {
        name: convert.to_payloads([getattr(state, name)])[0].ByteSize()
        for name in type(state).model_fields
    }


async def history_bytes(client: Client, code: str) -> int:
    """The bytes of every event of every run of the dossier's workflow."""
    total = 0
    for run_id in await dossier_runs(client, code):
        history = await client.get_workflow_handle(code, run_id=run_id).fetch_history()
        total += sum(event.ByteSize() for event in history.events)
    return total


async def cycle_bytes(client: Client, code: str, update: str = "supplement") -> list[int]:
    """What each cycle added to the history of the run it happened in: the bytes of the events
    from one `update` accepted to the next, read from the histories once the cycles are done
    (nothing asked of the server while they run); cycles across a run's end are left out."""
    added = []
    for run_id in await dossier_runs(client, code):
        history = await client.get_workflow_handle(code, run_id=run_id).fetch_history()
        since: int | None = None
        for event in history.events:
            if since is not None:
                since += event.ByteSize()
            accepted = event.workflow_execution_update_accepted_event_attributes
            if event.HasField("workflow_execution_update_accepted_event_attributes") and (
                accepted.accepted_request.input.name == update
            ):
                if since is not None:
                    added.append(since)
                since = 0
    return added
