"""`hoso register`: the dossier register (sổ theo dõi hồ sơ, form 06) of a receiving agency over a
period — a table, JSON, CSV, or the form as a PDF."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.context import CommandError, command, open_context
from cli.reports import day_option
from models.calendar import VIETNAM
from models.tables import AgencyRecord
from support.dossier_register import RegisterLine, register_lines, render_register
from support.private_files import write_private
from support.report_output import csv_text
from support.reports import period_problem

COLUMNS = (
    "#",
    "code",
    "procedure",
    "procedure name",
    "applicant",
    "address and phone",
    "received",
    "due",
    "result",
    "returned",
    "note",
)
# A terminal's width: the PDF, JSON and CSV have every column.
SHOWN = [n for n, name in enumerate(COLUMNS) if name not in ("procedure name", "address and phone")]


async def dossier_register(
    agency: Annotated[str, typer.Option(help="the receiving agency, e.g. so-tnmt")],
    start: Annotated[str, typer.Option("--from", help="first day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last day, YYYY-MM-DD (included)")],
    out: Annotated[Path | None, typer.Option(help="write the register as a PDF (form 06)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="print CSV")] = False,
) -> None:
    """Every dossier the agency received in the period, one line each (form 06)."""
    if as_json and as_csv:
        raise CommandError("choose one of --json and --csv")
    first, last = day_option(start, "--from"), day_option(end, "--to")
    problem = period_problem(first, last, datetime.now(VIETNAM).date())
    if problem:
        raise CommandError(f"--from {first} --to {last}: {problem}")
    ctx = open_context()
    with ctx.sessions() as session:
        lines = register_lines(session, agency, first, last)
        listed = session.get(AgencyRecord, agency)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        name = listed.name if listed else None
        write_private(out, render_register(agency, first, last, lines, datetime.now(UTC), name))
    if as_json:
        render.print_json([line.model_dump() for line in lines])
    elif as_csv:
        print(csv_text(COLUMNS, (_cells(line) for line in lines)), end="")
    else:
        title = f"dossier register of {agency}, {first} – {last}"
        cells = (_cells(line) for line in lines)
        render.console.print(
            render.table(
                title, [COLUMNS[n] for n in SHOWN], ([row[n] for n in SHOWN] for row in cells)
            )
        )
    if out is not None and not (as_json or as_csv):
        render.info(f"{len(lines)} dossiers; form 06 written to {out}")


def _cells(line: RegisterLine) -> list[str]:
    return [str(value) for value in line.model_dump().values()]


def register(app: typer.Typer) -> None:
    app.command("register")(command(dossier_register))
