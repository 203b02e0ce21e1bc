"""`hoso register`, a client of the API: the dossier register (sổ theo dõi hồ sơ, form 06) of a
receiving agency over a period — a table, JSON, CSV, or the form as a PDF written for its user
only. For operators and the agency's leaders."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.api_client import api_client
from cli.context import CommandError, command
from cli.reports import OfficerOpt, period
from operations.reports import DossierRegister
from support.dossier_register import REGISTER_COLUMNS, register_cells
from support.private_files import write_private

REGISTER = "/api/v1/register"
# A terminal's width: the PDF, JSON and CSV have every column.
SHOWN = [
    n
    for n, name in enumerate(REGISTER_COLUMNS)
    if name not in ("procedure name", "address and phone")
]


async def dossier_register(
    agency: Annotated[str, typer.Option(help="the receiving agency, e.g. so-tnmt")],
    start: Annotated[str, typer.Option("--from", help="first day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last day, YYYY-MM-DD (included)")],
    out: Annotated[Path | None, typer.Option(help="write the register as a PDF (form 06)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="print CSV")] = False,
    officer: OfficerOpt = None,
) -> None:
    """Every dossier the agency received in the period, one line each (form 06)."""
    if as_json and as_csv:
        raise CommandError("choose one of --json and --csv")
    query = {**period(start, end), "agency": agency}
    async with api_client(officer) as api:
        found = DossierRegister.model_validate(await api.get(REGISTER, **query))
        if out is not None:
            pdf = await api.request("GET", REGISTER, params={**query, "format": "pdf"})
            out.parent.mkdir(parents=True, exist_ok=True)
            write_private(out, pdf.content)
        if as_csv:
            csv = await api.request("GET", REGISTER, params={**query, "format": "csv"})
    if as_json:
        render.print_json([line.model_dump() for line in found.lines])
    elif as_csv:
        print(csv.text, end="")
    else:
        title = f"dossier register of {found.agency}, {found.start} – {found.end}"
        cells = (register_cells(line) for line in found.lines)
        render.console.print(
            render.table(
                title,
                [REGISTER_COLUMNS[n] for n in SHOWN],
                ([row[n] for n in SHOWN] for row in cells),
            )
        )
    if out is not None and not (as_json or as_csv):
        render.info(f"{len(found.lines)} dossiers; form 06 written to {out}")


def register(app: typer.Typer) -> None:
    app.command("register")(command(dossier_register))
