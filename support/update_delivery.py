"""A dossier's update executed, and sent again when the server turned it away unprocessed.

When a run hands over (continues as new) while updates arrive, the server may turn one away
before any worker took it up: the workflow task that carried it completed without it (its
failure's type `UnprocessedUpdate`, the SDK's "unprocessed protocol messages"). Then the same
signed item is sent again as it was, a few times; the dossier's validator checks it as any
other. In the same race the server may also have turned away an update the old run did apply
before handing over (temporalio/temporal#6375): the new run then refuses the item sent again as
replayed, its nonce being spent. An item whose nonce the dossier holds was applied once, and is
answered as such (a receipt without its row: the state says where the dossier stands). Every
other failure is the caller's.
"""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from models.continuation import ActionReceipt
from models.state import DossierState

UNPROCESSED = "UnprocessedUpdate"
ATTEMPTS = 4


def turned_away(exc: WorkflowUpdateFailedError) -> bool:
    """The server refused the update before a worker processed it (nothing of it applied)."""
    cause = exc.cause
    return isinstance(cause, ApplicationError) and cause.type == UNPROCESSED


async def _applied(handle: WorkflowHandle[Any, Any], item: Any) -> ActionReceipt | None:
    """The receipt of a signed item the dossier applied already (its nonce spent), else None."""
    proof = getattr(item, "proof", None)
    if proof is None:
        return None
    state = await handle.query("state", result_type=DossierState)
    if proof.nonce not in state.nonces:
        return None
    return ActionReceipt(code=state.code, status=state.status, stage=state.stage)


async def execute(handle: WorkflowHandle[Any, Any], update: Any, item: Any) -> Any:
    """`handle.execute_update(update, item)`, sent again while the server turns it away
    unprocessed (the new run takes it)."""
    sent_again = False
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await handle.execute_update(update, item)
        except WorkflowUpdateFailedError as exc:
            if sent_again and (receipt := await _applied(handle, item)) is not None:
                return receipt
            if attempt == ATTEMPTS or not turned_away(exc):
                raise
            sent_again = True
            await asyncio.sleep(0.05 * attempt)
    raise AssertionError("unreachable")  # the loop returns or raises
