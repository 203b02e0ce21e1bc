"""The dossier's search attributes: what `hoso list` and the Web UI find it by.

Only the attributes that changed are upserted (each upsert is a visibility write on the server);
dossiers started before that upserted all of them at every transition.
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

from models.calendar import close_of_day
from models.state import DossierState, voters_awaited
from workflows import patches
from workflows import search_attributes as sa


class Visibility:
    def __init__(self) -> None:
        self._upserted: dict[str, object] = {}  # search attribute → the value last upserted

    def upsert(self, state: DossierState) -> None:
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.STATUS.value_set(state.status.value),
            sa.PROCEDURE.value_set(state.procedure_code),
            sa.AGENCY.value_set(state.agency),
            sa.STAGE.value_set(state.stage) if state.stage else sa.STAGE.value_unset(),
            sa.UNIT.value_set(state.stage_unit) if state.stage_unit else sa.UNIT.value_unset(),
            sa.DUE.value_set(close_of_day(state.due_date))
            if state.due_date
            else sa.DUE.value_unset(),
            sa.STAGE_DUE.value_set(state.stage_due_at)
            if state.stage_due_at
            else sa.STAGE_DUE.value_unset(),
            sa.OVERDUE.value_set(state.overdue),
            sa.AT_RISK.value_set(state.at_risk),
            sa.ROLE.value_set(state.stage_role) if state.stage_role else sa.ROLE.value_unset(),
            sa.RECEIVED.value_set(state.received_at)
            if state.received_at
            else sa.RECEIVED.value_unset(),
        ]
        if workflow.patched(patches.CHANGED_SEARCH_ATTRIBUTES):
            # Unset, and so never upserted, unless a council sits: older histories replay as is.
            updates.append(_voters(state))
            changed = [u for u in updates if self._upserted.get(u.key.name) != u.value]
            self._upserted.update((u.key.name, u.value) for u in changed)
            if changed:
                workflow.upsert_search_attributes(changed)
        else:
            workflow.upsert_search_attributes(updates)


def _voters(state: DossierState) -> SearchAttributeUpdate[Any]:
    """The members of the sitting council who have not voted yet: their worklist."""
    pending = voters_awaited(state)
    return sa.VOTERS.value_set(pending) if pending else sa.VOTERS.value_unset()
