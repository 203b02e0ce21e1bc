"""`hoso report`: counts and Decision 766 indicators per agency, unit or procedure."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.context import CommandError, command, open_context
from models.calendar import VIETNAM
from support.calendars import calendar_file, resolve_calendar
from support.report_output import COLUMNS, rows, to_csv, write_chart
from support.reports import GroupBy, Report, compute_report, period_problem

SPLIT = COLUMNS.index("supplement requested")


def day_option(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} '{value}': expected a date YYYY-MM-DD") from None


def build_report(start: date, end: date, agency: str | None, by: GroupBy) -> Report:
    """The report from the projection of the current settings."""
    problem = period_problem(start, end, datetime.now(VIETNAM).date())
    if problem:
        raise CommandError(f"--from {start} --to {end}: {problem}")
    ctx = open_context()
    calendar = resolve_calendar(
        start.year - 3, max(end.year, datetime.now().year) + 1, calendar_file(ctx.settings)
    )
    with ctx.sessions() as session:
        return compute_report(session.connection(), calendar, start, end, agency=agency, by=by)


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
) -> None:
    """Dossiers received, finished and in progress, on time or late, and the 766 indicators."""
    if as_json and as_csv:
        raise CommandError("choose one of --json and --csv")
    result = build_report(day_option(start, "--from"), day_option(end, "--to"), agency, by)
    if chart is not None:
        write_chart(result, chart)
    if as_json:
        render.print_json(result.as_dict())
    elif as_csv:
        print(to_csv(result), end="")
    else:
        period = f"{result.start} – {result.end}" + (f", {agency}" if agency else "")
        lines = rows(result)
        # Two tables, so that each fits a terminal: the volumes, then the indicators.
        volume = [0, *range(1, SPLIT)]
        quality = [0, *range(SPLIT, len(COLUMNS))]
        for title, picked in (
            (f"dossiers {period}", volume),
            ("indicators (Decision 766)", quality),
        ):
            render.console.print(
                render.table(
                    title,
                    [COLUMNS[i] for i in picked],
                    ([line[i] for i in picked] for line in lines),
                )
            )
        for note in result.notes:
            render.info(f"note: {note}")
    if chart is not None and not (as_json or as_csv):
        render.info(f"chart written to {chart}")


def register(app: typer.Typer) -> None:
    app.command("report")(command(report))
