"""`hoso history`: a dossier's workflow history told in domain words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import WorkflowTaskFailedCause
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.converter import DataConverter

from cli import render
from cli.context import command
from config import get_settings
from models.actions import (
    CalendarChange,
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    RetryRequest,
    Supplement,
    Withdrawal,
)
from models.calendar import VIETNAM
from models.dossier import DocumentRef, DossierSubmission
from models.effects import DossierProjection, FormRequest, Notification, ResultDelivery
from models.projection import DossierChange
from models.state import DossierState, FormRef, StageVisit
from models.updates import UPDATE_INPUTS
from support.calendars import calendar_for
from support.client import connect
from support.codec import EncryptionError, failure_text

ACTIVITY_INPUTS: dict[str, type[BaseModel]] = {
    "record_dossier": DossierProjection,
    "record_change": DossierChange,
    "send_notification": Notification,
    "issue_form": FormRequest,
    "deliver_result": ResultDelivery,
}


ACTIVITY_EVENTS = {
    "send_notification": "notified",
    "issue_form": "form issued",
    "deliver_result": "handed over",
    "record_dossier": "recorded",
    "record_change": "recorded",
    "load_trust": "trust loaded",
}


class Entry(BaseModel):
    at: datetime
    event: str
    detail: str


async def _decode(client: Client, payloads: Sequence[Payload], hint: type) -> Any:
    if not payloads:
        return None
    try:
        return (await client.data_converter.decode(list(payloads), [hint]))[0]
    except EncryptionError:
        raise  # a missing key must be said, not hidden
    except Exception:  # an old or foreign payload: show the event without its details
        return None


def _documents(documents: Sequence[DocumentRef]) -> str:
    """Each document by kind and the start of its SHA-256, as the document store names it."""
    return ", ".join(f"{d.kind} ({d.sha256[:12]}…)" for d in documents)


def _update_detail(name: str, value: Any) -> str:
    detail = _what(name, value)
    proof = getattr(value, "proof", None)
    if proof is not None:  # who signed: the certificate's token, never the token itself
        detail += f" [signed, token {proof.certificate.token_id[:8]}]"
    return detail


def _what(name: str, value: Any) -> str:
    if isinstance(value, OfficerAction):
        parts = [f"{value.officer.id} ({value.officer.role}, {value.officer.unit}): {value.action}"]
        if value.to_stage:
            parts.append(f"to {value.to_stage}")
        if value.missing:
            parts.append("missing: " + "; ".join(value.missing))
        if value.documents:
            parts.append("documents: " + _documents(value.documents))
        if value.comment:
            parts.append(f"“{value.comment}”")
        return " ".join(parts)
    if isinstance(value, Supplement):
        kinds = _documents(value.documents) or "no documents"
        note = f" “{value.note}”" if value.note else ""
        return f"applicant supplement{_received(value)}: {kinds}{note}"
    if isinstance(value, Withdrawal):
        reason = f": “{value.reason}”" if value.reason else ""
        return f"applicant withdrew{_received(value)}{reason}"
    if isinstance(value, Cancellation):
        return f"{value.officer.id} cancelled: “{value.reason}”"
    if isinstance(value, DeliveryConfirmation):
        return f"{value.officer.id} confirmed delivery" + (f": {value.note}" if value.note else "")
    if isinstance(value, CalendarChange):
        years = f"{value.calendar.first_year}-{value.calendar.last_year}"
        return f"{value.officer.id} pushed the calendar {years}"
    if isinstance(value, RetryRequest):
        return f"{value.officer.id} asked for a retry" + (f": {value.note}" if value.note else "")
    return name


def _received(value: Supplement | Withdrawal) -> str:
    return f" (received by {value.officer.id})" if value.officer else ""


def _activity_detail(name: str, value: Any) -> str:
    if isinstance(value, Notification):
        to = value.recipient
        who = (
            "applicant"
            if to.audience == "applicant"
            else ", ".join(to.officers)
            or "/".join(p for p in (to.agency, to.unit, to.role) if p)
            or "officers"
        )
        return f"{value.template} → {who}"
    if isinstance(value, FormRequest):
        return value.kind
    if isinstance(value, DossierProjection):
        return f"projection: {value.state.status.value}"
    if isinstance(value, DossierChange):
        return f"projection: {value.row.status}"
    if isinstance(value, ResultDelivery):
        return f"result by {value.channel.value}"
    return name


async def timeline(client: Client, code: str, *, everything: bool = False) -> list[Entry]:
    """The dossier's life in domain words; `everything` adds the projection writes."""
    handle = client.get_workflow_handle(code)
    history = await handle.fetch_history()
    converter = client.data_converter
    entries: list[Entry] = []
    updates: dict[str, tuple[str, int]] = {}
    activities: dict[int, tuple[str, str]] = {}
    by_activity_id: dict[str, str] = {}  # what each activity is, for the ones still retrying
    visits: list[StageVisit] = []  # as the projection was last told
    submitted = datetime.now(UTC)  # until the submission is read

    def add(event: HistoryEvent, kind: str, detail: str) -> int:
        at = event.event_time.ToDatetime(tzinfo=UTC)
        entries.append(Entry(at=at, event=kind, detail=detail))
        return len(entries) - 1

    for event in history.events:
        which = event.WhichOneof("attributes")
        if which == "workflow_execution_started_event_attributes":
            started = event.workflow_execution_started_event_attributes
            sub = await _decode(client, started.input.payloads, DossierSubmission)
            if isinstance(sub, DossierSubmission):
                submitted = sub.submitted_at
                detail = (
                    f"{sub.code}: procedure {sub.procedure.code} v{sub.procedure.version} "
                    f"({sub.procedure.name}), delivery {sub.delivery.value}; documents: "
                    f"{_documents(sub.documents)}"
                )
            else:
                detail = started.workflow_type.name
            add(event, "submitted", detail)
        elif which == "workflow_execution_update_accepted_event_attributes":
            request = event.workflow_execution_update_accepted_event_attributes.accepted_request
            name = request.input.name
            hint: type = UPDATE_INPUTS.get(name, dict)
            value = await _decode(client, request.input.args.payloads, hint)
            updates[request.meta.update_id] = (name, add(event, name, _update_detail(name, value)))
        elif which == "workflow_execution_update_completed_event_attributes":
            updated = event.workflow_execution_update_completed_event_attributes
            name, row = updates.get(updated.meta.update_id, ("update", -1))
            if updated.outcome.HasField("failure"):
                reason = await failure_text(converter, updated.outcome.failure)
                add(event, f"{name} overtaken", reason)
            elif row >= 0:
                state = await _decode(client, updated.outcome.success.payloads, DossierState)
                if isinstance(state, DossierState):
                    where = f" at {state.stage}" if state.stage else ""
                    entries[row].detail += f" → {state.status.value}{where}"
        elif which == "activity_task_scheduled_event_attributes":
            scheduled = event.activity_task_scheduled_event_attributes
            name = scheduled.activity_type.name
            value = await _decode(client, scheduled.input.payloads, ACTIVITY_INPUTS.get(name, dict))
            activities[event.event_id] = (name, _activity_detail(name, value))
            by_activity_id[scheduled.activity_id] = activities[event.event_id][1]
            if isinstance(value, DossierProjection | DossierChange):
                visits = (
                    value.state.visits if isinstance(value, DossierProjection) else value.visits
                )
        elif which == "activity_task_completed_event_attributes":
            done_id = event.activity_task_completed_event_attributes.scheduled_event_id
            name, detail = activities.get(done_id, ("activity", "activity"))
            if name == "issue_form":
                done = event.activity_task_completed_event_attributes
                form = await _decode(client, done.result.payloads, FormRef)
                if isinstance(form, FormRef):
                    detail += f" ({form.sha256[:12]}…)"
            if name not in ("record_dossier", "record_change") or everything:
                add(event, ACTIVITY_EVENTS.get(name, "done"), detail)
        elif which == "activity_task_failed_event_attributes":
            failed = event.activity_task_failed_event_attributes
            _, what = activities.get(failed.scheduled_event_id, ("activity", "activity"))
            add(event, "failed", f"{what}: {await failure_text(converter, failed.failure)}")
        elif which == "activity_task_timed_out_event_attributes":
            late_id = event.activity_task_timed_out_event_attributes.scheduled_event_id
            add(event, "timed out", activities.get(late_id, ("", "activity"))[1])
        elif which == "timer_started_event_attributes" and everything:
            timer = event.timer_started_event_attributes
            fire = (
                event.event_time.ToDatetime(tzinfo=UTC) + timer.start_to_fire_timeout.ToTimedelta()
            )
            add(event, "timer", f"wakes at {render.local_time(fire)} (ICT) unless acted on")
        elif which == "timer_fired_event_attributes":
            add(event, "deadline", "a stage deadline passed")
        elif which == "workflow_execution_completed_event_attributes":
            closed = event.workflow_execution_completed_event_attributes
            state = await _decode(client, closed.result.payloads, DossierState)
            outcome = (
                f"{state.status.value}" + (f" ({state.outcome})" if state.outcome else "")
                if isinstance(state, DossierState)
                else "completed"
            )
            add(event, "closed", outcome)
        elif which == "workflow_execution_failed_event_attributes":
            failure = event.workflow_execution_failed_event_attributes.failure
            add(event, "failed", await failure_text(converter, failure))
        elif which == "workflow_execution_terminated_event_attributes":
            reason = event.workflow_execution_terminated_event_attributes.reason
            add(event, "terminated", reason or "-")
        elif which == "workflow_execution_continued_as_new_event_attributes":
            add(event, "continued", "history continued in a new run")
        elif which == "workflow_task_failed_event_attributes":
            task = event.workflow_task_failed_event_attributes
            if task.cause == WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW:
                add(event, "reset", f"{task.failure.message} (run {task.base_run_id} left)")
    if visits:  # each stage's time, told when it ended
        entries = sorted([*entries, *stage_times(visits, submitted)], key=lambda entry: entry.at)
    entries.extend(await _retrying(handle, by_activity_id, converter))
    return entries


def stage_times(visits: list[StageVisit], submitted_at: datetime) -> list[Entry]:
    """Time spent at each stage, in working days (the day a stage starts does not count)."""
    calendar = calendar_for(submitted_at, get_settings())
    rows = []
    for visit in visits:
        left = visit.left_at or datetime.now(UTC)
        days = calendar.working_days_between(
            visit.entered_at.astimezone(VIETNAM).date(), left.astimezone(VIETNAM).date()
        )
        late = ", late" if visit.late else ""
        still = "" if visit.left_at else " so far"
        rows.append(
            Entry(
                at=left,
                event="stage time",
                detail=f"{visit.stage}: {days} working days{still}{late}",
            )
        )
    return rows


async def _retrying(
    handle: Any, by_activity_id: dict[str, str], converter: DataConverter
) -> list[Entry]:
    """Activities failing and being retried now: they are not in the history until they end."""
    description = await handle.describe()
    pending = []
    for activity in description.raw_description.pending_activities:
        if activity.attempt <= 1 and not activity.HasField("last_failure"):
            continue
        name = activity.activity_type.name
        what = by_activity_id.get(activity.activity_id, name)
        failure = (
            await failure_text(converter, activity.last_failure)
            if activity.HasField("last_failure")
            else "-"
        )
        at = (
            activity.last_attempt_complete_time.ToDatetime(tzinfo=UTC)
            if activity.HasField("last_attempt_complete_time")
            else datetime.now(UTC)
        )
        pending.append(
            Entry(
                at=at,
                event="retrying",
                detail=f"{what}: attempt {activity.attempt} failed: {failure}",
            )
        )
    return pending


def print_timeline(entries: list[Entry]) -> None:
    rows = ([render.local_time(e.at), e.event, e.detail] for e in entries)
    render.console.print(render.table(None, ["at (ICT)", "event", "detail"], rows))


async def history(
    code: Annotated[str, typer.Argument(help="dossier code")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of text")] = False,
    everything: Annotated[
        bool, typer.Option("--all", help="also show projection writes and timers")
    ] = False,
) -> None:
    """Tell a dossier's whole history: submission, every action, notice, form and deadline."""
    client = await connect(get_settings())
    entries = await timeline(client, code, everything=everything)
    if as_json:
        render.print_json([e.model_dump(mode="json") for e in entries])
    else:
        print_timeline(entries)


def register(app: typer.Typer) -> None:
    app.command("history")(command(history))
