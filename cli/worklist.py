"""`hoso worklist`: what waits for the officer, soonest due first (through the API). The stages it
shows are remembered on this machine for `hoso act` (cli/remembered_stages.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from cli import render
from cli.api_client import api_client
from cli.context import command
from cli.remembered_stages import RememberedStages, cache_folder
from config import get_settings
from operations.worklist import WorklistItem, WorklistPage

WORKLIST = "/api/v1/worklist"
PAGE = 200  # the API's largest page


def _row(item: WorklistItem) -> dict[str, str | None]:
    waiting = {
        "consultation": "your agency's opinion",
        "council": "your vote",
        "chair": "your conclusion (chair)",
    }.get(item.waiting)
    flags = [name for name, on in (("overdue", item.overdue), ("at risk", item.at_risk)) if on]
    return {
        "code": item.code,
        "waiting": item.waiting,
        "procedure": item.procedure,
        "stage": item.stage,
        "unit": item.unit,
        "stage_due": render.local_time(item.stage_due_at) if item.stage_due_at else None,
        "due_date": render.day(item.due_at) if item.due_at else None,
        "flags": ", ".join([waiting, *flags] if waiting else flags) or None,
    }


async def worklist(
    status: Annotated[str | None, typer.Option(help="e.g. in_review")] = None,
    procedure: Annotated[str | None, typer.Option(help="procedure code")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="past due")] = False,
    at_risk: Annotated[
        bool, typer.Option("--at-risk", help="may miss the due date: an apology is due")
    ] = False,
    due_before: Annotated[
        datetime | None,
        typer.Option("--due-before", formats=["%Y-%m-%d"], help="due before DATE"),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=2000, help="at most N dossiers")] = 50,
    officer: Annotated[
        str | None, typer.Option("--as", help="your officer id (default: the token's)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of text")] = False,
) -> None:
    """The dossiers waiting for you, soonest due first: at a stage of your role and unit, at a
    consultation of your agency, at a council waiting for your vote or, as its chair, your
    conclusion. `hoso act` then signs for
    the stage shown here without asking again."""
    filters: dict[str, Any] = {
        "status": status,
        "procedure": procedure,
        "overdue": overdue or None,
        "at_risk": at_risk or None,
        "due_before": due_before.date().isoformat() if due_before else None,
    }
    items: list[WorklistItem] = []
    cursor: str | None = None
    async with api_client(officer) as api:
        while len(items) < limit:
            size = min(limit - len(items), PAGE)
            page = WorklistPage.model_validate(
                await api.get(WORKLIST, **filters, size=size, cursor=cursor)
            )
            items += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
        token = api.credential.certificate.token_id
    RememberedStages(cache_folder(get_settings()), token).remember(
        (item.code, item.stage) for item in items if item.stage
    )
    rows = [_row(item) for item in items]
    if as_json:
        render.print_json(rows)
        return
    if not rows:
        render.info("nothing waits for you")
        return
    columns = ["code", "procedure", "stage", "stage_due", "due_date", "flags"]
    render.console.print(
        render.table(None, columns, ([row[c] or "-" for c in columns] for row in rows))
    )


def register(app: typer.Typer) -> None:
    app.command("worklist")(command(worklist))
