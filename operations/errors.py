"""The refusals an operation gives, by kind; each door says them in its own words (HTTP: a
problem detail with a status; the CLI: one red line)."""

from __future__ import annotations


class NotFound(LookupError):
    """No such dossier or procedure, or none the caller may see: the two are never told apart,
    so that codes cannot be probed."""


class Forbidden(PermissionError):
    """The caller is known but may not do this (e.g. submit for another agency)."""


class Conflict(RuntimeError):
    """The request contradicts what is already recorded: an idempotency key or reference reused
    with a different dossier."""


class ActionRefused(RuntimeError):
    """The dossier refused an action (its update validator, or the rules when it was applied).
    `moved_on`: the dossier is no longer where the action was signed for (another action came
    first, or it closed): the officer reloads and decides again; `stage` and `status` say where
    the dossier is now, when known (a client signs again for that stage only on such a miss)."""

    def __init__(
        self, reason: str, *, moved_on: bool, stage: str | None = None, status: str | None = None
    ) -> None:
        super().__init__(reason)
        self.moved_on = moved_on
        self.stage = stage
        self.status = status


class TooLarge(ValueError):
    """A document or a request over its size limit."""


class InvalidPeriod(ValueError):
    """A report's or register's period that runs backwards, too far, or too long."""
