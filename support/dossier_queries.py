"""Visibility queries over hoso's search attributes: what `hoso list` and the API's worklists ask
Temporal for. Every value is validated before it is written into a query (no injection)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError

from models.calendar import VIETNAM
from models.dossier import CLOSED_STATUSES, DossierStatus
from models.officer import OfficerId
from models.procedure import Identifier, ProcedureCode
from workflows import search_attributes as sa
from workflows.dossier import DossierWorkflow


class FilterError(ValueError):
    """A filter value that is not well formed (named by its option)."""


def checked_filter(value: str, kind: Any, option: str) -> str:
    """Filter values go into a query: only well-formed identifiers pass (FilterError names the
    option)."""
    try:
        return str(TypeAdapter(kind).validate_python(value))
    except ValidationError:
        raise FilterError(f"{option} '{value}' is not a valid value") from None


# hoso has no dossier received before 2000 (as its reports say), and none due after 2999
FILTER_DAYS = (date(2000, 1, 1), date(2999, 12, 31))


def checked_day(value: date | None, option: str) -> date | None:
    """A filter's date within the days a dossier can have."""
    first, last = FILTER_DAYS
    if value is not None and not first <= value <= last:
        raise FilterError(f"{option} {value} is outside {first} … {last}")
    return value


def build_query(
    status: str | None = None,
    procedure: str | None = None,
    agency: str | None = None,
    unit: str | None = None,
    stage: str | None = None,
    overdue: bool = False,
    now: datetime | None = None,
    at_risk: bool = False,
    due_before: date | None = None,
    role: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    voter: str | None = None,
) -> str:
    """A visibility query over hoso's search attributes (values validated, so no injection)."""
    # a dossier whose history grew long has earlier runs that continued: only its latest counts
    clauses = [
        f"WorkflowType = '{DossierWorkflow.__name__}'",
        "ExecutionStatus != 'ContinuedAsNew'",
    ]
    if status:
        clauses.append(f"{sa.STATUS.name} = '{checked_filter(status, DossierStatus, '--status')}'")
    if procedure:
        code = checked_filter(procedure, ProcedureCode, "--procedure")
        clauses.append(f"{sa.PROCEDURE.name} = '{code}'")
    for key, value, option in (
        (sa.AGENCY, agency, "--agency"),
        (sa.UNIT, unit, "--unit"),
        (sa.STAGE, stage, "--stage"),
        (sa.ROLE, role, "--role"),
    ):
        if value:
            clauses.append(f"{key.name} = '{checked_filter(value, Identifier, option)}'")
    if voter:
        clauses.append(f"{sa.VOTERS.name} = '{checked_filter(voter, OfficerId, '--voter')}'")
    due_before = checked_day(due_before, "--due-before")
    received_from = checked_day(received_from, "--received-from")
    received_to = checked_day(received_to, "--received-to")
    clauses += _time_clauses(overdue, now, at_risk, due_before, received_from, received_to)
    return " AND ".join(clauses)


def _time_clauses(
    overdue: bool,
    now: datetime | None,
    at_risk: bool,
    due_before: date | None,
    received_from: date | None,
    received_to: date | None,
) -> list[str]:
    """The clauses on due and receipt dates; a filter on lateness keeps to open dossiers."""
    clauses = []
    if overdue:
        # The workflow flags it at the close of the due date; the clock catches a lagging flag.
        moment = _utc(now or datetime.now(UTC))
        clauses.append(f"({sa.OVERDUE.name} = true OR {sa.DUE.name} < '{moment}')")
    if at_risk:
        clauses.append(f"{sa.AT_RISK.name} = true")
    if due_before is not None:
        midnight = datetime.combine(due_before, time(0, 0), VIETNAM)
        clauses.append(f"{sa.DUE.name} < '{_utc(midnight)}'")
    if received_from is not None:
        start = datetime.combine(received_from, time(0, 0), VIETNAM)
        clauses.append(f"{sa.RECEIVED.name} >= '{_utc(start)}'")
    if received_to is not None:
        end = datetime.combine(received_to + timedelta(days=1), time(0, 0), VIETNAM)
        clauses.append(f"{sa.RECEIVED.name} < '{_utc(end)}'")
    if overdue or at_risk or due_before is not None:
        closed = ", ".join(f"'{s.value}'" for s in sorted(CLOSED_STATUSES))
        clauses.append(f"{sa.STATUS.name} NOT IN ({closed})")
    return clauses


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
