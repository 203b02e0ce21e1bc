"""Read-only commands: one dossier's status, and lists through Temporal visibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from pydantic import TypeAdapter, ValidationError
from temporalio.client import Client, WorkflowExecution

from cli import render
from cli.context import CommandError, command
from config import get_settings
from models.dossier import CLOSED_STATUSES, DossierStatus
from models.procedure import Identifier, ProcedureCode
from support.client import connect
from workflows import search_attributes as sa
from workflows.dossier import DossierWorkflow

QUERY_TIMEOUT = timedelta(seconds=10)
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]


async def status(
    code: Annotated[str, typer.Argument(help="dossier code")],
    as_json: JsonFlag = False,
) -> None:
    """Show where a dossier is: status, stage, assignee, due date, opinions, last actions."""
    client = await connect(get_settings())
    handle = client.get_workflow_handle_for(DossierWorkflow.run, code)
    state = await handle.query(DossierWorkflow.state, rpc_timeout=QUERY_TIMEOUT)
    if as_json:
        render.print_json(state.model_dump(mode="json"))
    else:
        render.dossier_state(state)


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
    ):
        if value:
            clauses.append(f"{key.name} = '{_checked(value, Identifier, option)}'")
    if overdue:
        moment = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        closed = ", ".join(f"'{s.value}'" for s in sorted(CLOSED_STATUSES))
        clauses.append(f"{sa.DUE.name} < '{moment}'")
        clauses.append(f"{sa.STATUS.name} NOT IN ({closed})")
    return " AND ".join(clauses)


def _row(execution: WorkflowExecution) -> dict[str, str | None]:
    attrs = execution.typed_search_attributes
    due = attrs.get(sa.DUE)
    return {
        "code": execution.id,
        "status": attrs.get(sa.STATUS),
        "procedure": attrs.get(sa.PROCEDURE),
        "agency": attrs.get(sa.AGENCY),
        "stage": attrs.get(sa.STAGE),
        "unit": attrs.get(sa.UNIT),
        "due_date": render.day(due) if due else None,
        "started": render.local_time(execution.start_time),
    }


async def list_rows(client: Client, query: str, limit: int) -> list[dict[str, str | None]]:
    return [_row(e) async for e in client.list_workflows(query, limit=limit)]


async def list_dossiers(
    status: Annotated[str | None, typer.Option(help="e.g. in_review")] = None,
    procedure: Annotated[str | None, typer.Option(help="procedure code")] = None,
    agency: Annotated[str | None, typer.Option(help="agency code")] = None,
    unit: Annotated[str | None, typer.Option(help="unit of the current stage")] = None,
    stage: Annotated[str | None, typer.Option(help="current stage id")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="past due and still open")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="at most N dossiers")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """List dossiers by status, procedure, agency, unit, stage; --overdue for the late ones."""
    query = build_query(status, procedure, agency, unit, stage, overdue)
    client = await connect(get_settings())
    rows = await list_rows(client, query, limit)
    if as_json:
        render.print_json(rows)
        return
    if not rows:
        render.info("no dossiers match")
        return
    columns = ["code", "status", "procedure", "stage", "unit", "due_date"]
    render.console.print(
        render.table(None, columns, ([row[c] or "-" for c in columns] for row in rows))
    )


def register(app: typer.Typer) -> None:
    app.command("status")(command(status))
    app.command("list")(command(list_dossiers))
