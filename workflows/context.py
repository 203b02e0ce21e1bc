"""What every part of a dossier's lifecycle shares: its state, procedure, clock and effects.

Each part (workflows/chain.py, reception.py, consultation.py, council_transitions.py, lateness.py,
outcome.py) receives the one `DossierContext` of its dossier; parts that need another part's
transition hold a reference to it, passed when Transitions puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel
from temporalio import workflow

from models.actions import OfficerIdentity
from models.dossier import DossierSubmission
from models.procedure import Procedure, Stage
from models.state import ActionEntry, DossierState
from workflows import record
from workflows.deadlines import Clock
from workflows.effects import Effects
from workflows.visibility import Visibility


@dataclass
class DossierContext:
    """One dossier: its submission (the procedure and chain snapshotted in it), its state, the
    clock of its deadlines, its side effects and its search attributes."""

    submission: DossierSubmission
    state: DossierState
    effects: Effects
    clock: Clock
    visibility: Visibility = field(default_factory=Visibility)

    @property
    def procedure(self) -> Procedure:
        return self.submission.procedure

    def stage(self) -> Stage:
        """The stage the dossier is at (callers know it is at one)."""
        assert self.state.stage is not None
        return self.procedure.stage(self.state.stage)

    def log(
        self,
        action: str,
        officer: OfficerIdentity | None,
        comment: str,
        *,
        actor: str = "system",
        to_stage: str | None = None,
        source: BaseModel | None = None,
    ) -> None:
        """A row of the control sheet, and its entry in the record (`source`: the signed input
        that caused it; None for the dossier's own events)."""
        state = self.state
        row = ActionEntry(
            seq=state.actions_total() + 1,
            stage=state.stage,
            action=action,
            actor=officer.id if officer else actor,
            role=officer.role if officer else None,
            unit=officer.unit if officer else None,
            agency=officer.agency if officer else None,
            comment=comment,
            to_stage=to_stage,
            at=workflow.now(),
        )
        state.actions.append(row)
        record.action(state, row, source)

    async def sync(self) -> None:
        """Keeps the search attributes and the projection current with the state."""
        self.visibility.upsert(self.state)
        self.clock.reschedule()
        await self.effects.record()
