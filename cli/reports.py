"""`hoso report`, a client of the API: counts and Decision 766 indicators per agency, unit or
procedure, for operators and the agency's leaders (the API decides which agencies)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from cli import render
from cli.api_client import api_client
from cli.context import CommandError, command
from support.report_output import COLUMNS, rows, write_chart
from support.reports import GroupBy, Report

SPLIT = COLUMNS.index("supplement requested")
REPORTS = "/api/v1/reports"
OfficerOpt = Annotated[
    str | None, typer.Option("--as", help="your officer id (default: the token's)")
]


def day_option(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} '{value}': expected a date YYYY-MM-DD") from None


def period(start: str, end: str) -> dict[str, Any]:
    """The `--from`/`--to` options as the API's query."""
    return {"from": day_option(start, "--from").isoformat(), "to": day_option(end, "--to")}


def _tables(result: Report, agency: str | None) -> None:
    span = f"{result.start} – {result.end}" + (f", {agency}" if agency else "")
    lines = rows(result)
    # Two tables, so that each fits a terminal: the volumes, then the indicators.
    volume = [0, *range(1, SPLIT)]
    quality = [0, *range(SPLIT, len(COLUMNS))]
    for title, picked in ((f"dossiers {span}", volume), ("indicators (Decision 766)", quality)):
        render.console.print(
            render.table(
                title, [COLUMNS[i] for i in picked], ([line[i] for i in picked] for line in lines)
            )
        )
    for note in result.notes:
        render.info(f"note: {note}")


async def report(
    start: Annotated[str, typer.Option("--from", help="first day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last day, YYYY-MM-DD (included)")],
    agency: Annotated[str | None, typer.Option(help="only this agency")] = None,
    by: Annotated[GroupBy, typer.Option(help="one row per agency, unit or procedure")] = (
        GroupBy.agency
    ),
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="print CSV")] = False,
    chart: Annotated[
        Path | None, typer.Option(help="also draw on-time rate and volume to this PNG")
    ] = None,
    officer: OfficerOpt = None,
) -> None:
    """Dossiers received, finished and in progress, on time or late, and the 766 indicators."""
    if as_json and as_csv:
        raise CommandError("choose one of --json and --csv")
    query = {**period(start, end), "by": by.value} | ({"agency": agency} if agency else {})
    async with api_client(officer) as api:
        if as_csv:
            csv = await api.request("GET", REPORTS, params={**query, "format": "csv"})
        found = await api.get(REPORTS, **query) if chart or not as_csv else None
    if chart is not None:
        write_chart(Report.model_validate(found), chart)
    if as_csv:
        print(csv.text, end="")
    elif as_json:
        render.print_json(found)
    else:
        _tables(Report.model_validate(found), agency)
    if chart is not None and not (as_json or as_csv):
        render.info(f"chart written to {chart}")


def register(app: typer.Typer) -> None:
    app.command("report")(command(report))
