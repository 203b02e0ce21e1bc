"""The worker's log of refused actions (issue 22, item 14): every update a dossier refuses —
forged, stale, replayed, not allowed now — whatever door it came by, written to the
`refused_action` table for operators (`operations/refusals.py`).

A refused update leaves nothing in the workflow's history, so the worker notes it as the
validator (or the loop) refuses it: who the attempt names, the dossier, the update, the reason and
the time; never the action's content; kept 90 days. Rows are written by a thread of their own,
so the dossier's workflow task never waits on the database; a replay refuses nothing anew and
writes nothing.
"""

from __future__ import annotations

import queue
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import delete
from sqlmodel import col
from temporalio import workflow
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    HandleUpdateInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from activities.database import SessionFactory
from models.tables import RefusedActionRecord

log = structlog.get_logger()
MAX_REASON = 300
KEPT_FOR = timedelta(days=90)  # older notes are pruned as new ones come
PRUNE_EVERY = 500
REJECTED = "ActionRejected"


def _attempt(input: HandleUpdateInput, reason: str) -> RefusedActionRecord:
    item: Any = input.args[0] if input.args else None
    proof = getattr(item, "proof", None)
    officer = getattr(item, "officer", None)
    named = proof.certificate.officer.id if proof is not None else getattr(officer, "id", None)
    text = "".join(c if c.isprintable() else " " for c in reason)[:MAX_REASON]
    return RefusedActionRecord(
        at=datetime.now(UTC),
        dossier_code=workflow.info().workflow_id[:64],
        update=input.update[:40],
        officer_id=named,
        token_id=proof.certificate.token_id if proof is not None else None,
        reason=text,
    )


class RefusalLog(Interceptor):
    """Notes every update the dossiers of this worker refuse."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        self._queue: queue.SimpleQueue[RefusedActionRecord] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._lock = threading.Lock()

    def refused(self, input: HandleUpdateInput, reason: str) -> None:
        if workflow.unsafe.is_replaying():
            return
        row = _attempt(input, reason)
        log.warning(
            "action_refused",
            dossier=row.dossier_code,
            update=row.update,
            officer=row.officer_id,
            reason=row.reason,
        )
        self._queue.put(row)
        with self._lock:
            if self._writer is None:
                self._writer = threading.Thread(target=self._write, name="refusals", daemon=True)
                self._writer.start()

    def _write(self) -> None:
        written = 0
        while True:
            row = self._queue.get()
            try:
                with self._sessions() as session:
                    session.add(row)
                    if written % PRUNE_EVERY == 0:
                        old = col(RefusedActionRecord.at) < row.at - KEPT_FOR
                        session.execute(delete(RefusedActionRecord).where(old))
                    session.commit()
                written += 1
            except Exception as exc:  # the refusal stands; only its note is lost
                log.error(
                    "refusal_not_recorded", dossier=row.dossier_code, error=type(exc).__name__
                )

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        refusals = self

        class _Refusals(WorkflowInboundInterceptor):
            def handle_update_validator(self, input: HandleUpdateInput) -> None:
                try:
                    super().handle_update_validator(input)
                except Exception as exc:
                    refusals.refused(input, str(exc))
                    raise

            async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
                try:
                    return await super().handle_update_handler(input)
                except ApplicationError as exc:
                    if exc.type == REJECTED:  # validated, then refused by the dossier's loop
                        refusals.refused(input, exc.message)
                    raise

        return _Refusals
