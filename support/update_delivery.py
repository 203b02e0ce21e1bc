"""A dossier's update executed, and sent again when the server turned it away unprocessed.

When a run hands over (continues as new) while updates arrive, the server may turn one away
before any worker took it up: the workflow task that carried it completed without it (its
failure's type `UnprocessedUpdate`, the SDK's "unprocessed protocol messages"). Then the same
signed item is sent again as it was, a few times; the dossier's validator checks it as any
other. In the same race the server may also have turned away an update the old run did apply
before handing over (temporalio/temporal#6375), and the SDK's own retry of the aborted call, or
ours, reaches the new run, which refuses the item as sent before (its stage moved on, its nonce
spent). A genuinely signed item whose nonce the dossier holds and whose record holds an entry
made from it was applied once, and is answered as such (a receipt without its row: the state
says where the dossier stands), whichever attempt met the refusal. Every other failure is the
caller's.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from pydantic import BaseModel
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from models.continuation import ActionReceipt
from models.record import input_digest
from models.state import DossierState
from support.rebuild import read_dossier
from workflows.identity import SENT_BEFORE

UNPROCESSED = "UnprocessedUpdate"
ATTEMPTS = 4


def turned_away(exc: WorkflowUpdateFailedError) -> bool:
    """The server refused the update before a worker processed it (nothing of it applied)."""
    cause = exc.cause
    return isinstance(cause, ApplicationError) and cause.type == UNPROCESSED


def sent_before(exc: WorkflowUpdateFailedError) -> bool:
    """The dossier refused a genuinely signed item as come after its stage or its nonce."""
    cause = exc.cause
    return isinstance(cause, ApplicationError) and SENT_BEFORE in str(cause.message)


def _as_received(client: Client, item: BaseModel) -> BaseModel:
    """`item` as the dossier reads it: through the client's payload converter and back."""
    converter = client.data_converter.payload_converter
    [received] = converter.from_payloads(converter.to_payloads([item]), [type(item)])
    return cast(BaseModel, received)


async def _applied(handle: WorkflowHandle[Any, Any], item: Any) -> ActionReceipt | None:
    """The receipt of a signed item the dossier applied already, else None: its nonce spent
    and an entry of the record made from it (a nonce is spent by an item refused in the
    dossier's loop too). A long dossier's record entries handed over to earlier runs are read
    from its history."""
    proof = getattr(item, "proof", None)
    if proof is None:
        return None
    state = await handle.query("state", result_type=DossierState)
    if proof.nonce not in state.nonces:
        return None
    client = handle._client  # the SDK keeps a handle's client private
    mark = input_digest(_as_received(client, item))
    record = state.record
    if all(e.digest != mark for e in record) and not state.holds_all():
        whole = (await read_dossier(client, handle.id)).state
        record = whole.record if whole is not None else record
    if all(e.digest != mark for e in record):
        return None
    return ActionReceipt(code=state.code, status=state.status, stage=state.stage)


async def execute(handle: WorkflowHandle[Any, Any], update: Any, item: Any) -> Any:
    """`handle.execute_update(update, item)`, sent again while the server turns it away
    unprocessed (the new run takes it)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await handle.execute_update(update, item)
        except WorkflowUpdateFailedError as exc:
            if sent_before(exc) and (receipt := await _applied(handle, item)) is not None:
                return receipt
            if attempt == ATTEMPTS or not turned_away(exc):
                raise
            await asyncio.sleep(0.05 * attempt)
    raise AssertionError("unreachable")  # the loop returns or raises
