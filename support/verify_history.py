"""A dossier's workflow history as `hoso verify` reads it (support/verify.py): the states it
holds, the updates it applied, the forms it issued and the results it handed over, folded from
the history's events (support/dossier_events.py); and the record checked against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from activities.storage import as_change
from models.actions import OfficerAction
from models.activity_interfaces import RECORD_DOSSIER
from models.dossier import DossierSubmission
from models.projection import DossierChange, fold, whole
from models.record import RecordEntry, action_digest, input_digest
from models.state import FormRef
from models.updates import ENTRY_KINDS
from support.dossier_events import (
    PROJECTION_ACTIVITIES,
    ActivityCompleted,
    ActivityScheduled,
    Closed,
    ContinuedAsNew,
    DossierEvent,
    RunEnded,
    RunFailed,
    Submitted,
    Terminated,
    UpdateAnswered,
    dossier_events,
)
from support.handovers import HistoryHandovers
from support.verify_checks import Report, check_chain


@dataclass
class Update:
    """An update the dossier accepted and applied: its name, input and when it was accepted."""

    name: str
    item: BaseModel
    at: datetime
    told: int = 0  # the states the history held when it was answered (projection writes …)

    def describe(self) -> str:
        who = getattr(self.item, "officer", None)
        what = self.item.action if isinstance(self.item, OfficerAction) else self.name
        return f"{what} by {who.id if who else 'the applicant'} at {self.at:%Y-%m-%d %H:%M} UTC"


@dataclass
class History:
    """What the workflow history says: the submission, every state it holds (in order, each as
    a whole change), which of them the projection was last written from, the updates applied,
    the forms issued and the results handed over."""

    submission: DossierSubmission | None = None
    states: list[DossierChange] = field(default_factory=list)
    projected: int = -1
    updates: list[Update] = field(default_factory=list)
    forms: list[FormRef] = field(default_factory=list)
    handovers: HistoryHandovers = field(default_factory=HistoryHandovers)
    ended: str | None = None  # how Temporal ended the latest run, unless it completed or continued
    revoked: dict[str, datetime] = field(default_factory=dict)  # token id -> first seen revoked
    # each projection write's state, by its scheduling event; the projection's changes so far
    _positions: dict[int, int] = field(default_factory=dict, repr=False)
    _told: DossierChange | None = field(default=None, repr=False)

    def record(self) -> list[RecordEntry]:
        return max((state.record for state in self.states), key=len, default=[])

    def projection(self) -> DossierChange | None:
        return self.states[self.projected] if self.projected >= 0 else None

    def see(self, event: DossierEvent) -> None:
        """Folds in the history's next event."""
        self.handovers.see(event)
        if isinstance(event, RunEnded | Submitted):
            self.ended = _ended(event)
        if isinstance(event, Submitted):
            self.submission = event.submission
        elif isinstance(event, UpdateAnswered) and event.failure is None:
            accepted = event.accepted
            if accepted is not None and accepted.registered:
                if event.state is not None:  # answered before receipts: the whole state
                    self.states.append(whole(event.state))
                update = Update(accepted.name, accepted.item, accepted.at, len(self.states))
                self.updates.append(update)
        elif isinstance(event, ActivityScheduled) and event.name in PROJECTION_ACTIVITIES:
            self._positions[event.event_id] = len(self.states)
            told = event.input
            self._told = (
                as_change(told) if event.name == RECORD_DOSSIER.name else fold(self._told, told)
            )
            self.states.append(self._told)
        elif isinstance(event, ActivityCompleted) and event.scheduled is not None:
            self._completed(event, event.scheduled)
        elif isinstance(event, Closed) and event.state is not None:
            self.states.append(whole(event.state))

    def _completed(self, event: ActivityCompleted, scheduled: ActivityScheduled) -> None:
        if scheduled.event_id in self._positions:
            self.projected = max(self.projected, self._positions[scheduled.event_id])
        elif event.form is not None:
            self.forms.append(event.form)
        elif event.trust is not None:
            for token in event.trust.revoked:
                self.revoked.setdefault(token, event.at)


def _ended(event: RunEnded | Submitted) -> str | None:
    """How a run ended, when it is not the dossier's own end or a hand-over to the next run."""
    match event:
        case Terminated(reason=reason):
            return f"terminated by Temporal ({reason or '-'})"
        case RunFailed(failure=failure):
            return f"failed ({failure})"
        case Closed() | ContinuedAsNew() | Submitted():
            return None
    return "timed out or cancelled by Temporal"


async def read_history(client: Client, code: str) -> History | None:
    """The dossier's history, as `History`; None when the server does not hold it."""
    found = History()
    try:
        async for event in dossier_events(client, code):
            found.see(event)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    return found


def check_history(report: Report, history: History) -> list[RecordEntry]:
    """The record against the history's own inputs; returns the record."""
    chain = history.record()
    for state in history.states:
        first = state.record[0].n - 1 if state.record else 0  # a long dossier's latest entries
        if state.record != chain[first : first + len(state.record)]:
            report.add("the history holds two different records (a state was altered)")
            break
    check_chain(report, chain, "the history's record")
    submission = history.submission
    if submission is None:
        report.add("the history has no submission")
        return chain
    if chain and (chain[0].kind != "submission" or chain[0].digest != input_digest(submission)):
        report.add("record entry #1 is not the submission the history received")
    _check_updates(report, chain, history.updates, len(history.states))
    _check_forms_and_actions(report, chain, history)
    return chain


def _check_updates(
    report: Report, chain: list[RecordEntry], updates: list[Update], states: int
) -> None:
    """Every update applied has its signed entry, and every signed entry its update. An update
    answered after the history's last state (a retry, recorded at once) has its entry in the
    dossier's state until its next projection: the history cannot show it yet."""
    signed = {entry.digest: entry for entry in chain if entry.kind in ENTRY_KINDS}
    applied = {input_digest(update.item) for update in updates}
    for update in updates:
        if input_digest(update.item) in signed:
            continue
        if update.told == states:
            report.notes.append(
                f"update {update.name} ({update.describe()}) awaits its projection: its entry"
                " is checked once the dossier's next step is written"
            )
        else:
            report.add(f"update {update.name} ({update.describe()}) has no entry in the record")
    for digest, entry in signed.items():
        if digest not in applied:
            report.add(f"record entry {entry.describe()} matches no update in the history (forged)")


def _check_forms_and_actions(report: Report, chain: list[RecordEntry], history: History) -> None:
    """Every form issued and every action of the newest state is on the record."""
    recorded_forms = {entry.digest for entry in chain if entry.kind == "form"}
    for form in history.forms:
        if input_digest(form) not in recorded_forms:
            report.add(f"form {form.kind} ({form.sha256[:12]}…) issued has no entry in the record")
    rows = {entry.subject.get("seq"): entry.subject.get("row") for entry in chain}
    for action in history.states[-1].actions if history.states else []:
        if rows.get(action.seq) != action_digest(action.model_dump(mode="json")):
            report.add(
                f"action #{action.seq} ({action.action}) of the history is not on the record"
            )
