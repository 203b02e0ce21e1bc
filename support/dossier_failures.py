"""Why one dossier could not be verified or rebuilt, in a line an operator can act on: `hoso
verify --all` and `hoso rebuild --all` report it and go on to the next dossier.

The reason never repeats a payload's or a row's values (personal data): a history that does not
decode names its fields, a database error names the driver's problem, not its statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from temporalio.service import RPCError, RPCStatusCode

from activities.database import unavailable
from support.codec import EncryptionError
from support.intake import describe_validation_error


class HistoryUnusable(Exception):
    """A history that was read but cannot give what is asked of it (no submission, say)."""


@dataclass(frozen=True)
class DossierFailure:
    """One dossier that could not be checked or rebuilt: its code, what kind of failure, why."""

    code: str
    kind: str
    reason: str

    def line(self) -> str:
        return f"{self.code}: failed ({self.kind}): {self.reason}"


def failure_of(code: str, exc: Exception) -> DossierFailure:
    """The failure `exc` stands for, with a reason that holds no personal data."""
    kind, reason = _described(exc)
    return DossierFailure(code, kind, reason)


def _described(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, EncryptionError):
        return "unreadable_payload", str(exc)  # key ids and what to do, no payload
    if isinstance(exc, ValidationError):
        return "unreadable_history", describe_validation_error(
            f"its history holds a {exc.title} that does not decode", exc
        )
    if isinstance(exc, HistoryUnusable):
        return "unreadable_history", str(exc)
    if isinstance(exc, RPCError):
        if exc.status == RPCStatusCode.NOT_FOUND:
            return "not_in_temporal", "Temporal no longer holds its history"
        return "temporal_error", exc.message
    if isinstance(exc, SQLAlchemyError):
        return "database_error", unavailable(exc).message
    # A payload the converter could not parse, or a defect: its type says which, its message
    # might quote the payload.
    return "unexpected_error", f"{type(exc).__name__} while reading it"
