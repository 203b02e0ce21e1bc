"""A dossier's update executed, and sent again when the server turned it away unprocessed.

When a run hands over (continues as new) while updates arrive, the server may turn one away
before any worker took it up: the workflow task that carried it completed without it (its
failure's type `UnprocessedUpdate`, the SDK's "unprocessed protocol messages"). Nothing of it was
applied and its signed item's nonce is unspent, so the same item is sent again as it was, a few
times; the dossier's validator checks it as any other. Every other failure is the caller's.
"""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

UNPROCESSED = "UnprocessedUpdate"
ATTEMPTS = 4


def turned_away(exc: WorkflowUpdateFailedError) -> bool:
    """The server refused the update before a worker processed it (nothing of it applied)."""
    cause = exc.cause
    return isinstance(cause, ApplicationError) and cause.type == UNPROCESSED


async def execute(handle: WorkflowHandle[Any, Any], update: Any, arg: Any) -> Any:
    """`handle.execute_update(update, arg)`, sent again while the server turns it away
    unprocessed (the new run takes it)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await handle.execute_update(update, arg)
        except WorkflowUpdateFailedError as exc:
            if attempt == ATTEMPTS or not turned_away(exc):
                raise
            await asyncio.sleep(0.05 * attempt)
    raise AssertionError("unreachable")  # the loop returns or raises
