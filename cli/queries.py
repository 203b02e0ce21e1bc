"""Read-only commands, as clients of the API: one dossier's status, and the search (`list`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from cli import render
from cli.api_client import ApiClient, ApiError, api_client
from cli.context import CommandError, command
from operations.dossiers import DossierView
from operations.search import DossierPage, DossierSummary

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


DOSSIERS = "/api/v1/dossiers"
MAX_PAGE = 1000


def _row(item: DossierSummary) -> dict[str, str | None]:
    """A found dossier as `hoso list` prints it (its times in Vietnam's)."""
    flags = [name for name, on in (("overdue", item.overdue), ("at risk", item.at_risk)) if on]
    if item.ended:  # Temporal ended its workflow: the status is where it stood, for good
        flags.insert(0, f"workflow {item.ended.replace('_', ' ')}")
    return {
        "code": item.code,
        "status": item.status,
        "procedure": item.procedure,
        "agency": item.agency,
        "stage": item.stage,
        "unit": item.unit,
        "due_date": render.day(item.due_at) if item.due_at else None,
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "stage_due": render.local_time(item.stage_due_at) if item.stage_due_at else None,
        "flags": ", ".join(flags) or None,
        "started": render.local_time(item.started_at),
    }


def _soonest_due_first(rows: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    return sorted(rows, key=lambda row: (row["due_at"] is None, row["due_at"] or "", row["code"]))


async def _page(
    api: ApiClient, filters: dict[str, Any], size: int, cursor: str | None
) -> tuple[list[dict[str, str | None]], str | None]:
    """One page of the search and the cursor of the next (None after the last)."""
    try:
        found = DossierPage.model_validate(
            await api.get(DOSSIERS, **filters, size=size, cursor=cursor)
        )
    except ApiError as exc:
        if exc.kind == "invalid-cursor":
            raise CommandError(
                f"--page '{cursor}' is not a page token from an earlier list"
            ) from None
        raise
    return _soonest_due_first([_row(item) for item in found.items]), found.next_cursor


async def _first(
    api: ApiClient, filters: dict[str, Any], limit: int
) -> list[dict[str, str | None]]:
    """Up to `limit` matching dossiers, page after page, soonest due first."""
    rows: list[dict[str, str | None]] = []
    cursor: str | None = None
    while len(rows) < limit:
        page, cursor = await _page(api, filters, min(limit - len(rows), MAX_PAGE), cursor)
        rows += page
        if cursor is None:
            break
    return _soonest_due_first(rows[:limit])


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


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
    officer: Annotated[
        str | None, typer.Option("--as", help="your officer id (default: the token's)")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="at most N dossiers")] = 50,
    page_size: Annotated[
        int | None, typer.Option(min=1, max=1000, help="one page of N; prints the next token")
    ] = None,
    page: Annotated[str | None, typer.Option(help="the token printed by the previous page")] = None,
    count: Annotated[bool, typer.Option("--count", help="only how many dossiers match")] = False,
    as_json: JsonFlag = False,
) -> None:
    """List the dossiers within your reach by status, procedure, agency, unit, stage; --overdue
    for the late ones; --voter for the councils waiting for a member's vote (through the API)."""
    filters = {
        "status": status,
        "procedure": procedure,
        "agency": agency,
        "unit": unit,
        "stage": stage,
        "role": role,
        "overdue": overdue or None,
        "at_risk": at_risk or None,
        "due_before": _day(due_before),
        "received_from": _day(received_from),
        "received_to": _day(received_to),
        "voter": voter,
    }
    next_page: str | None = None
    async with api_client(officer) as api:
        if count:
            matching = (await api.get(f"{DOSSIERS}/count", **filters))["count"]
            render.print_json({"count": matching}) if as_json else render.info(str(matching))
            return
        if page_size is not None or page is not None:
            rows, next_page = await _page(api, filters, page_size or 50, page)
        else:
            rows = await _first(api, filters, limit)
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
