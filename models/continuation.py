"""What a dossier's next run takes over when its history grows long (continue-as-new), and what
each update answers.

A dossier's history grows with what happened to it; past `HistoryLimits` (far below Temporal's
51,200 events and 50 MB) the workflow starts a new run of the same workflow id at a quiet point,
carrying its state in a `Continuation`. The new run takes it only as a continuation of its own
workflow id and after intake's seal on the submission is checked again, as at the start.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from models.calendar import WorkingCalendar
from models.dossier import DossierStatus, DossierSubmission
from models.projection import Marks
from models.state import DossierState

CONTINUE_AFTER_EVENTS = 4_000
CONTINUE_AFTER_BYTES = 4_000_000
HISTORY_LIMITS_MEMO = "history_limits"


class HistoryLimits(BaseModel):
    """How long a run's history may grow before the dossier continues in a new run; a memo of
    the start (intake's settings), carried to every run. The floors keep a run doing work."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    events: int = Field(default=CONTINUE_AFTER_EVENTS, ge=100, le=40_000)
    bytes: int = Field(default=CONTINUE_AFTER_BYTES, ge=100_000, le=40_000_000)


class Continuation(BaseModel):
    """The input of a dossier's next run: its submission as it started (sealed by intake), the
    state the previous run left (its record, actions, nonces…), the working calendar in force,
    the effects counted (their idempotency keys go on), how far the projection was told, and
    what the run held in memory of its trust: the revocations it loaded (a revocation undone in
    the database revives no token in a continued run) and the nonces a reset readmitted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    submission: DossierSubmission = Field(description="the sealed submission, as it started")
    state: DossierState
    calendar: WorkingCalendar
    effects: int = Field(ge=0, description="side effects run so far: keys go on from here")
    recorded: Marks | None = Field(default=None, description="how far the projection was told")
    run: int = Field(default=2, ge=2, description="which run of the dossier this is")
    revoked: list[str] = Field(
        default_factory=list,
        description="every token the previous runs' trust anchors held revoked: kept for good",
    )
    readmitted: list[str] = Field(
        default_factory=list, description="nonces a reset re-sends, past their signature's lifetime"
    )


class ActionReceipt(BaseModel):
    """What an update answers: where the dossier stands after it and the action's own row and
    record entry. Small, so that each action adds the same to the history however many came
    before; the whole state is the `state` query's. Its fields are the state's: an answer of a
    dossier started before (the whole state) reads as a receipt too."""

    code: str
    status: DossierStatus
    stage: str | None = None
    seq: int | None = Field(default=None, description="the action's row on the control sheet")
    entry: str | None = Field(default=None, description="the hash of its record entry")

    @classmethod
    def after(cls, state: DossierState, actions_before: int, record_before: int) -> ActionReceipt:
        """The receipt of the action just applied to `state`, which had `actions_before` rows
        and `record_before` record entries before it."""
        added = state.actions[actions_before:]
        seq = added[0].seq if added else None
        entry = next(
            (e.hash for e in state.record[record_before:] if seq and e.subject.get("seq") == seq),
            None,
        )
        return cls(code=state.code, status=state.status, stage=state.stage, seq=seq, entry=entry)
