"""An update the server turned away before any worker took it up is sent again; any other
refusal is the dossier's answer and is not."""

from __future__ import annotations

from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from support.update_delivery import UNPROCESSED, turned_away


def test_only_an_update_no_worker_processed_is_sent_again() -> None:
    unprocessed = ApplicationError(
        "Workflow Update is rejected because it wasn't processed by worker.",
        type=UNPROCESSED,
        non_retryable=True,
    )
    assert turned_away(WorkflowUpdateFailedError(unprocessed))
    refused = ApplicationError("action 'approve' is not available at stage 'reception'")
    assert not turned_away(WorkflowUpdateFailedError(refused))
    assert not turned_away(WorkflowUpdateFailedError(ApplicationError("x", type="Stale")))
