"""A dossier's start is admitted only from a submission that hoso's intake sealed, of a procedure
version the catalogue published with the same content.

Everything in a start input is the caller's: a plain Temporal client can start a dossier with any
chain, applicant, date or documents. The workflow computes the hashes of its own input and asks
the worker (`check_submission`, read-only: intake's public keys and the catalogue are the
worker's) before anything else happens; a refusal fails the run before any record, notice or
timer.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from models.activity_interfaces import CHECK_SUBMISSION
from models.dossier import DossierSubmission
from models.intake import SubmissionCheck
from workflows.effects import RETRY

REFUSED = "SubmissionRefused"


async def refusal(submission: DossierSubmission) -> ApplicationError | None:
    """None when the start is admitted; else the non-retryable `SubmissionRefused` that ends the
    run."""
    verdict = await workflow.execute_activity(
        CHECK_SUBMISSION.name,
        SubmissionCheck.of(submission),
        result_type=CHECK_SUBMISSION.result,
        start_to_close_timeout=timedelta(seconds=30),
        retry_policy=RETRY,
    )
    if verdict.refusal is None:
        return None
    # the dossier code and the reason only: the refused input may hold anyone's personal data
    workflow.logger.warning(
        "submission_refused", extra={"dossier": submission.code, "reason": verdict.refusal}
    )
    return ApplicationError(
        f"the start of dossier {submission.code} is refused: {verdict.refusal}",
        type=REFUSED,
        non_retryable=True,
    )
