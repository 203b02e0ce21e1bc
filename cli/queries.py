"""Read-only commands: one dossier's status, and lists through Temporal visibility."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from temporalio.client import Client, WorkflowExecution

from cli import render
from cli.api_client import api_client
from cli.context import CommandError, command
from config import get_settings
from operations.dossiers import DossierView
from support import dossier_queries
from support.client import connect
from workflows import search_attributes as sa

JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]


async def status(
    code: Annotated[str, typer.Argument(help="dossier code")],
    as_json: JsonFlag = False,
) -> None:
    """Show where a dossier is: status, stage, assignee, due date, time, opinions, last actions."""
    async with api_client() as api:
        found = await api.get(f"/api/v1/dossiers/{code}")
    if found.get("note"):
        render.warning(f"{code}: {found['note']}")
    if as_json:
        render.print_json(found)
    else:
        view = DossierView.model_validate(found)
        render.dossier_state(view, timing=[(line.name, line.value) for line in view.time])


def build_query(*args: Any, **kwargs: Any) -> str:
    """`support.dossier_queries.build_query`, a malformed filter said as a command's error."""
    try:
        return dossier_queries.build_query(*args, **kwargs)
    except dossier_queries.FilterError as exc:
        raise CommandError(str(exc)) from None


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
