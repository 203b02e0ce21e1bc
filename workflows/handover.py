"""What a dossier's next run takes over of its state when it continues as new: what the rules
read, not everything that happened.

The control sheet's rows, the record's entries, the forms and the suspensions are kept only
where the projection was told of them and the history holds them (they are rebuilt from there:
support/rebuild.py `restored`); the state keeps the latest of each, and in `Earlier` how many it
left out, so numbering, the chain's head and the suspended days go on. Nonces are kept while a
signature bearing them could still be fresh (workflows/identity.py), and for good when a reset
readmitted them past their lifetime. Pure: the workflow calls it at its quiet point.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from models.projection import Marks
from models.state import DossierState, Earlier, FormRef
from workflows.identity import CLOCK_SKEW, SIGNATURE_LIFETIME

KEEP_ACTIONS = 20
"""Control-sheet rows kept: enough for the latest actions a person reads (`hoso status`)."""
KEEP_RECORD = 20
"""Record entries kept (the last is the chain's head)."""
KEEP_FORMS = 10
"""Forms kept, besides the latest of each kind (the result the delivery sends)."""
KEEP_SUSPENSIONS = 10
"""Suspensions kept (the last one is the one a supplement ends)."""
NONCE_FRESH = SIGNATURE_LIFETIME + CLOCK_SKEW
"""How long after it was applied a signed action could still pass the freshness check."""


def bounded(
    state: DossierState,
    told: Marks | None,
    now: datetime,
    nonce_times: Mapping[str, datetime],
    run_began: datetime,
    readmitted: Collection[str],
) -> DossierState:
    """`state` with only what the next run needs. `told`: how far the projection was told
    (entries it was not told of are all kept); `nonce_times`: when this run applied each nonce
    (those it took over count from `run_began`); `readmitted`: nonces kept for good."""
    told = told or Marks()
    actions, record = state.actions, state.record
    keep_actions = max(KEEP_ACTIONS, state.actions_total() - told.actions)
    keep_record = max(KEEP_RECORD, state.record_total() - told.record, 1)
    dropped_actions = actions[: max(len(actions) - keep_actions, 0)]
    forms = _forms_kept(state, max(KEEP_FORMS, state.forms_total() - told.forms))
    ended = state.suspensions[:-1] if state.suspensions else []
    dropped_suspensions = ended[: max(len(state.suspensions) - KEEP_SUSPENSIONS, 0)]
    earlier = state.earlier
    return state.model_copy(
        update={
            "actions": actions[len(dropped_actions) :],
            "record": record[max(len(record) - keep_record, 0) :],
            "forms": forms,
            "suspensions": state.suspensions[len(dropped_suspensions) :],
            "nonces": [
                nonce
                for nonce in state.nonces
                if nonce in readmitted or now - nonce_times.get(nonce, run_began) <= NONCE_FRESH
            ],
            "earlier": Earlier(
                actions=earlier.actions + len(dropped_actions),
                record=earlier.record + max(len(record) - keep_record, 0),
                forms=earlier.forms + len(state.forms) - len(forms),
                suspensions=earlier.suspensions + len(dropped_suspensions),
                suspended_days=earlier.suspended_days
                + sum(s.working_days for s in dropped_suspensions),
                actors=sorted(set(earlier.actors) | {a.actor for a in dropped_actions}),
            ),
        }
    )


def _forms_kept(state: DossierState, keep: int) -> list[FormRef]:
    """The latest `keep` forms and the latest of each kind, in the order they were issued."""
    forms = state.forms
    latest = {form.kind: i for i, form in enumerate(forms)}
    first = max(len(forms) - keep, 0)
    return [form for i, form in enumerate(forms) if i >= first or latest[form.kind] == i]
