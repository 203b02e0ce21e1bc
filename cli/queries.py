"""Read-only commands: one dossier's status, and lists through Temporal visibility."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

import typer
from pydantic import TypeAdapter, ValidationError
from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from cli import render
from cli.context import CommandError, command
from cli.timing import time_fields
from config import get_settings
from models.calendar import VIETNAM
from models.dossier import CLOSED_STATUSES, DossierStatus
from models.officer import OfficerId
from models.procedure import Identifier, ProcedureCode
from models.state import DossierState
from support.calendars import calendar_for
from support.client import connect
from support.rebuild import read_dossier
from support.stuck_dossiers import FAILING_ATTEMPTS
from workflows import search_attributes as sa
from workflows.dossier import DossierWorkflow

QUERY_TIMEOUT = timedelta(seconds=10)
NO_ANSWER = (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.UNAVAILABLE, RPCStatusCode.CANCELLED)
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]


async def status(
    code: Annotated[str, typer.Argument(help="dossier code")],
    as_json: JsonFlag = False,
) -> None:
    """Show where a dossier is: status, stage, assignee, due date, opinions, last actions."""
    client = await connect(get_settings())
    state = await current_state(client, code)
    if as_json:
        render.print_json(state.model_dump(mode="json"))
    else:
        settings = get_settings()
        timing = time_fields(state, calendar_for(state.submitted_at, settings))
        render.dossier_state(state, timing=timing)


async def current_state(client: Client, code: str) -> DossierState:
    """The dossier's state: asked of a worker while it runs; a closed dossier's, a stuck one's,
    or a running one's when no worker answers, read from its history (its last recorded state,
    said so on stderr)."""
    handle = client.get_workflow_handle_for(DossierWorkflow.run, code)
    described = await handle.describe()
    failing = described.raw_description.pending_workflow_task.attempt
    running = described.status == WorkflowExecutionStatus.RUNNING
    if running and failing >= FAILING_ATTEMPTS:  # a query would wait behind the failing task
        render.warning(
            f"{code}: its workflow task keeps failing (attempt {failing}; see `hoso stuck`);"
            " the state as its history last recorded it"
        )
    elif running:
        try:
            return await handle.query(DossierWorkflow.state, rpc_timeout=QUERY_TIMEOUT)
        except RPCError as exc:
            if exc.status not in NO_ANSWER:
                raise
            render.warning(
                f"{code}: no worker answered within {QUERY_TIMEOUT.seconds} s; the state as its"
                " history last recorded it"
            )
    state = (await read_dossier(client, code, live=False)).state
    if state is None:
        raise CommandError(f"{code}: no worker answered, and its history records no state yet")
    return state


def _checked(value: str, kind: Any, option: str) -> str:
    """Filter values go into a visibility query: only well-formed identifiers pass."""
    try:
        return str(TypeAdapter(kind).validate_python(value))
    except ValidationError:
        raise CommandError(f"{option} '{value}' is not a valid value") from None


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
    clauses = [f"WorkflowType = '{DossierWorkflow.__name__}'"]
    if status:
        clauses.append(f"{sa.STATUS.name} = '{_checked(status, DossierStatus, '--status')}'")
    if procedure:
        code = _checked(procedure, ProcedureCode, "--procedure")
        clauses.append(f"{sa.PROCEDURE.name} = '{code}'")
    for key, value, option in (
        (sa.AGENCY, agency, "--agency"),
        (sa.UNIT, unit, "--unit"),
        (sa.STAGE, stage, "--stage"),
        (sa.ROLE, role, "--role"),
    ):
        if value:
            clauses.append(f"{key.name} = '{_checked(value, Identifier, option)}'")
    if voter:
        clauses.append(f"{sa.VOTERS.name} = '{_checked(voter, OfficerId, '--voter')}'")
    closed = ", ".join(f"'{s.value}'" for s in sorted(CLOSED_STATUSES))
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
        clauses.append(f"{sa.STATUS.name} NOT IN ({closed})")
    return " AND ".join(clauses)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _row(execution: WorkflowExecution) -> dict[str, str | None]:
    attrs = execution.typed_search_attributes
    due = attrs.get(sa.DUE)
    stage_due = attrs.get(sa.STAGE_DUE)
    flags = [
        name for name, key in (("overdue", sa.OVERDUE), ("at risk", sa.AT_RISK)) if attrs.get(key)
    ]
    return {
        "code": execution.id,
        "status": attrs.get(sa.STATUS),
        "procedure": attrs.get(sa.PROCEDURE),
        "agency": attrs.get(sa.AGENCY),
        "stage": attrs.get(sa.STAGE),
        "unit": attrs.get(sa.UNIT),
        "due_date": render.day(due) if due else None,
        "due_at": due.isoformat() if due else None,
        "stage_due": render.local_time(stage_due) if stage_due else None,
        "flags": ", ".join(flags) or None,
        "started": render.local_time(execution.start_time),
    }


def _soonest_due_first(rows: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    """Visibility on SQL stores cannot ORDER BY a custom attribute: sort here."""
    return sorted(rows, key=lambda row: (row["due_at"] is None, row["due_at"] or "", row["code"]))


async def list_rows(client: Client, query: str, limit: int) -> list[dict[str, str | None]]:
    """Matching dossiers, soonest due first."""
    return _soonest_due_first([_row(e) async for e in client.list_workflows(query, limit=limit)])


async def list_page(
    client: Client, query: str, size: int, token: str | None
) -> tuple[list[dict[str, str | None]], str | None]:
    """One page of matching dossiers and the token of the next page (None after the last)."""
    try:
        start = bytes.fromhex(token) if token else None
    except ValueError:
        raise CommandError(f"--page '{token}' is not a page token from an earlier list") from None
    pages = client.list_workflows(query, page_size=size, next_page_token=start)
    await pages.fetch_next_page()
    rows = [_row(e) for e in pages.current_page or []]
    following = pages.next_page_token
    return _soonest_due_first(rows), following.hex() if following else None


async def list_dossiers(
    status: Annotated[str | None, typer.Option(help="e.g. in_review")] = None,
    procedure: Annotated[str | None, typer.Option(help="procedure code")] = None,
    agency: Annotated[str | None, typer.Option(help="agency code")] = None,
    unit: Annotated[str | None, typer.Option(help="unit of the current stage")] = None,
    stage: Annotated[str | None, typer.Option(help="current stage id")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="past due and still open")] = False,
    at_risk: Annotated[
        bool, typer.Option("--at-risk", help="may miss the due date: an apology is due")
    ] = False,
    due_before: Annotated[
        datetime | None,
        typer.Option("--due-before", formats=["%Y-%m-%d"], help="due before DATE, still open"),
    ] = None,
    role: Annotated[str | None, typer.Option(help="role the current stage waits for")] = None,
    received_from: Annotated[
        datetime | None,
        typer.Option("--received-from", formats=["%Y-%m-%d"], help="received on or after DATE"),
    ] = None,
    received_to: Annotated[
        datetime | None,
        typer.Option("--received-to", formats=["%Y-%m-%d"], help="received on or before DATE"),
    ] = None,
    voter: Annotated[
        str | None, typer.Option(help="officer id: councils waiting for their vote")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="at most N dossiers")] = 50,
    page_size: Annotated[
        int | None, typer.Option(min=1, max=1000, help="one page of N; prints the next token")
    ] = None,
    page: Annotated[str | None, typer.Option(help="the token printed by the previous page")] = None,
    count: Annotated[bool, typer.Option("--count", help="only how many dossiers match")] = False,
    as_json: JsonFlag = False,
) -> None:
    """List dossiers by status, procedure, agency, unit, stage; --overdue for the late ones;
    --voter for the councils waiting for a member's vote."""
    query = build_query(
        status,
        procedure,
        agency,
        unit,
        stage,
        overdue,
        at_risk=at_risk,
        due_before=due_before.date() if due_before else None,
        role=role,
        received_from=received_from.date() if received_from else None,
        received_to=received_to.date() if received_to else None,
        voter=voter,
    )
    client = await connect(get_settings())
    if count:
        matching = (await client.count_workflows(query)).count
        render.print_json({"count": matching}) if as_json else render.info(str(matching))
        return
    next_page: str | None = None
    if page_size is not None or page is not None:
        rows, next_page = await list_page(client, query, page_size or 50, page)
    else:
        rows = await list_rows(client, query, limit)
    if as_json:
        render.print_json({"dossiers": rows, "next_page": next_page} if page_size or page else rows)
        return
    if not rows:
        render.info("no dossiers match")
        return
    columns = ["code", "status", "procedure", "stage", "unit", "stage_due", "due_date", "flags"]
    render.console.print(
        render.table(None, columns, ([row[c] or "-" for c in columns] for row in rows))
    )
    if next_page:
        render.info(f"next page: hoso list … --page {next_page}")


def register(app: typer.Typer) -> None:
    app.command("status")(command(status))
    app.command("list")(command(list_dossiers))
