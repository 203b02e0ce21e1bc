"""A dossier's workflow history told in domain words: what `hoso history`, the API and the
web pages show of it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, PrivateAttr
from temporalio.client import Client
from temporalio.converter import DataConverter

from config import get_settings
from models.calendar import VIETNAM
from models.continuation import Continuation
from models.dossier import DossierSubmission
from models.effects import DossierProjection
from models.projection import DossierChange, visits_after
from models.state import DossierState, StageVisit
from support.calendars import calendar_for
from support.codec import failure_text
from support.dossier_events import (
    PROJECTION_ACTIVITIES,
    ActivityCompleted,
    ActivityFailed,
    ActivityScheduled,
    ActivityTimedOut,
    Closed,
    ContinuedAsNew,
    DossierEvent,
    Reset,
    RunEnded,
    RunFailed,
    Submitted,
    Terminated,
    TimerFired,
    TimerStarted,
    UpdateAccepted,
    UpdateAnswered,
    dossier_events,
)
from support.timeline_details import ACTIVITY_EVENTS, activity_detail, documents, update_detail


class Entry(BaseModel):
    at: datetime
    event: str
    detail: str
    # What the line tells, for those who tell it in other words (the web pages, in Vietnamese):
    # the update's input, the activity's input, the submission, the state closed, a stage's
    # time; and the status and stage an update left. Not part of the API's entry.
    _subject: Any = PrivateAttr(default=None)
    _answer: tuple[str, str | None] | None = PrivateAttr(default=None)

    def about(self, subject: Any) -> Entry:
        self._subject = subject
        return self

    @property
    def subject(self) -> Any:
        return self._subject

    @property
    def answer(self) -> tuple[str, str | None] | None:
        """The status and stage the update left the dossier at."""
        return self._answer


class StageTime(BaseModel):
    """The working days a stage took (or has taken so far)."""

    stage: str
    days: int
    still: bool
    late: bool


async def timeline(client: Client, code: str, *, everything: bool = False) -> list[Entry]:
    """The dossier's life in domain words; `everything` adds the projection writes."""
    entries: list[Entry] = []
    rows: dict[str, int] = {}  # each update's entry, completed with the state it answered
    doing: dict[str, str] = {}  # what each activity is, for the ones still retrying
    visits: list[StageVisit] = []  # as the projection was last told
    submitted = datetime.now(UTC)  # until the submission is read
    async for event in dossier_events(client, code, lenient=True):
        if isinstance(event, Submitted) and event.submission is not None:
            submitted = event.submission.submitted_at
        elif isinstance(event, UpdateAccepted):
            rows[event.update_id] = len(entries)
        elif isinstance(event, UpdateAnswered) and event.failure is None:
            answer, accepted = event.receipt or event.state, event.accepted
            if accepted is not None and answer is not None:
                where = f" at {answer.stage}" if answer.stage else ""
                row = entries[rows[accepted.update_id]]
                row.detail += f" → {answer.status.value}{where}"
                row._answer = (answer.status.value, answer.stage)
        elif isinstance(event, ActivityScheduled):
            doing[event.activity_id] = activity_detail(event.name, event.input)
            visits = _visits_told(event.input, visits)
        told = _told(event, everything)
        if told is not None:
            entry = Entry(at=event.at, event=told[0], detail=told[1])
            entries.append(entry.about(_subject(event)))
    if visits:  # each stage's time, told when it ended
        entries = sorted([*entries, *stage_times(visits, submitted)], key=lambda entry: entry.at)
    entries.extend(await _retrying(client.get_workflow_handle(code), doing, client.data_converter))
    return entries


def _subject(event: DossierEvent) -> Any:
    """What an event's line is about, in the history's own models."""
    match event:
        case UpdateAccepted():
            return event.item
        case ActivityCompleted() | ActivityFailed() | ActivityTimedOut() if event.scheduled:
            return event.scheduled.input
        case Submitted(submission=DossierSubmission() as sub):
            return sub
        case Closed(state=DossierState() as state):
            return state
    return None


def _visits_told(projected: Any, visits: list[StageVisit]) -> list[StageVisit]:
    """The stage visits as the projection was last told them (by a write of the dossier)."""
    if isinstance(projected, DossierProjection):
        return projected.state.visits
    if isinstance(projected, DossierChange):
        return visits_after(visits, projected)
    return visits


def _told(event: DossierEvent, everything: bool) -> tuple[str, str] | None:
    """The timeline's line for an event (event, detail); None for events it does not show."""
    if isinstance(event, ActivityCompleted | ActivityFailed | ActivityTimedOut):
        return _activity_told(event, everything)
    if isinstance(event, RunEnded | Reset):
        return _run_told(event)
    match event:
        case Submitted(continuation=Continuation() as handed):
            status = handed.state.status.value
            return "resumed", f"run {handed.run} of its workflow took the dossier over ({status})"
        case Submitted(submission=DossierSubmission() as sub):
            return "submitted", (
                f"{sub.code}: procedure {sub.procedure.code} v{sub.procedure.version} "
                f"({sub.procedure.name}), delivery {sub.delivery.value}; documents: "
                f"{documents(sub.documents)}"
            )
        case Submitted():
            return "submitted", event.workflow_type
        case UpdateAccepted():
            return event.name, update_detail(event.name, event.item)
        case UpdateAnswered(failure=str(reason)):
            return f"{event.accepted.name if event.accepted else 'update'} overtaken", reason
        case TimerStarted() if everything:
            wakes = event.fires_at.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M")
            return "timer", f"wakes at {wakes} (ICT) unless acted on"
        case TimerFired():
            return "deadline", "a stage deadline passed"
    return None


def _activity_told(
    event: ActivityCompleted | ActivityFailed | ActivityTimedOut, everything: bool
) -> tuple[str, str] | None:
    if isinstance(event, ActivityFailed):
        return "failed", f"{_scheduled(event.scheduled, 'activity')[1]}: {event.failure}"
    if isinstance(event, ActivityTimedOut):
        return "timed out", _scheduled(event.scheduled, "")[1]
    name, detail = _scheduled(event.scheduled, "activity")
    if event.form is not None:
        detail += f" ({event.form.sha256[:12]}…)"
    if name in PROJECTION_ACTIVITIES and not everything:
        return None  # projection writes are shown with --all only
    return ACTIVITY_EVENTS.get(name, "done"), detail


def _run_told(event: RunEnded | Reset) -> tuple[str, str] | None:
    match event:
        case Closed(state=DossierState() as state):
            return "closed", state.status.value + (f" ({state.outcome})" if state.outcome else "")
        case Closed():
            return "closed", "completed"
        case RunFailed():
            return "failed", event.failure
        case Terminated():
            return "terminated", event.reason or "-"
        case ContinuedAsNew():
            return "continued", "its history grew long: a new run takes the dossier over"
        case Reset():
            return "reset", f"{event.reason} (run {event.base_run_id} left)"
    return None  # timed out or cancelled by the server: hoso sets no run timeout


def _scheduled(scheduled: ActivityScheduled | None, unknown: str) -> tuple[str, str]:
    """An activity's name and what it did, as the timeline tells it."""
    if scheduled is None:
        return unknown, "activity"
    return scheduled.name, activity_detail(scheduled.name, scheduled.input)


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
        entry = Entry(
            at=left, event="stage time", detail=f"{visit.stage}: {days} working days{still}{late}"
        )
        told = StageTime(stage=visit.stage, days=days, still=bool(still), late=visit.late)
        rows.append(entry.about(told))
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
