"""Continue-as-new: when a dossier's run has a long history, the next run takes over its state.

The run continues only at a quiet point (nothing queued, no handler running, every notice sent
and recorded). The next run is started by Temporal with the sealed submission and a
`Continuation`; it believes the continuation only as a continuation of its own workflow id (a
fresh start carrying one is refused: Temporal names the run continued, and only a workflow's own
run can continue it), with the state of the submission's dossier, and after `check_submission`
vouched for the submission again (intake's seal, the published procedure), before any side
effect.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from models.continuation import HISTORY_LIMITS_MEMO, Continuation, HistoryLimits
from workflows import admission


def limits() -> HistoryLimits:
    """The limits the start's memo sets (intake's settings); the defaults when it sets none, or
    none that holds (a memo is not sealed: the floors keep a run doing work)."""
    try:
        found = workflow.memo_value(HISTORY_LIMITS_MEMO, None, type_hint=HistoryLimits)
    except Exception:  # a malformed memo: the defaults, never a failing task
        return HistoryLimits()
    return found if isinstance(found, HistoryLimits) else HistoryLimits()


def history_long(bounds: HistoryLimits) -> bool:
    """The run's history has reached the length or size at which the dossier moves on."""
    info = workflow.info()
    return (
        info.get_current_history_length() >= bounds.events
        or info.get_current_history_size() >= bounds.bytes
    )


async def refusal(continuation: Continuation) -> ApplicationError | None:
    """None when this run may take over `continuation`; else the `SubmissionRefused` that ends
    it: a start that is not a continuation of this workflow id, a state of another dossier, or
    a submission intake did not seal."""
    info, submission = workflow.info(), continuation.submission
    reason = None
    if info.continued_run_id is None:
        reason = "a continuation is taken only from the dossier's own previous run"
    elif continuation.state.code != submission.code:
        reason = "the continuation's state is of another dossier than its submission"
    if reason is None:
        return await admission.refusal(submission)
    workflow.logger.warning(
        "continuation_refused", extra={"dossier": info.workflow_id, "reason": reason}
    )
    return ApplicationError(
        f"the start of dossier {info.workflow_id} is refused: {reason}",
        type=admission.REFUSED,
        non_retryable=True,
    )
