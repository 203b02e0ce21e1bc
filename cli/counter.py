"""`hoso counter …`, a client of the API for the reception officers of a one-stop unit: the
day's queue of appointments, a citizen checked in (by code or the QR code's content), a no-show,
the dossier started from a booking, and the appointments' report (operators and leaders)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from cli import render
from cli.api_client import api_client
from cli.context import command
from cli.dossiers import _located, _post_files
from cli.reports import period
from support.errors import shown
from support.intake import read_dossier_file

app = typer.Typer(no_args_is_help=True)
COUNTER = "/api/v1/counter"
OfficerOpt = Annotated[
    str | None, typer.Option("--as", help="your officer id (default: the token's)")
]
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON")]
Code = Annotated[str, typer.Argument(help="the booking's code, or its QR code's content")]


def _line(booking: dict[str, Any]) -> list[str]:
    return [
        render.local_time(datetime.fromisoformat(booking["start"]))[11:],
        booking["counter"],
        booking["code"],
        booking["procedure"],
        booking["name"],
        booking["status"].replace("_", " "),
        booking.get("dossier_code") or "",
    ]


async def queue(
    day: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: today)")] = None,
    officer: OfficerOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """The day's bookings at your unit's counters, by slot."""
    async with api_client(officer) as api:
        found = await api.get(f"{COUNTER}/queue", day=day)
    if as_json:
        render.print_json(found)
        return
    columns = ["slot", "counter", "code", "procedure", "name", "status", "dossier"]
    title = f"appointments {found['day']} — {found['unit']}, {found['agency']}"
    render.console.print(render.table(title, columns, map(_line, found["bookings"])))


async def check_in(code: Code, officer: OfficerOpt = None, as_json: JsonFlag = False) -> None:
    """The citizen is here: checks them in (on the day of their slot)."""
    async with api_client(officer) as api:
        found = await api.post(f"{COUNTER}/check-ins", {"code": code})
    _said(found, as_json, f"{found['code']} checked in: {found['name']}, {found['procedure']}")


async def no_show(code: Code, officer: OfficerOpt = None, as_json: JsonFlag = False) -> None:
    """The citizen did not come (their slot has begun)."""
    async with api_client(officer) as api:
        found = await api.post(f"{COUNTER}/bookings/{code}/no-show", None)
    _said(found, as_json, f"{found['code']} marked a no-show")


async def start(
    code: Annotated[str, typer.Argument(help="the booking's code")],
    file: Annotated[Path, typer.Argument(help="the dossier file (YAML or JSON)")],
    officer: OfficerOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Starts the dossier of a checked-in booking: received at the counter by you, linked to
    the booking (its reference is `booking:<code>`)."""
    dossier = read_dossier_file(file)
    entries, paths = _located(list(dossier.documents), file.parent, shown(str(file)))
    dossier = dossier.model_copy(update={"documents": entries})
    body = {"dossier": dossier.model_dump_json(exclude_none=True)}
    async with api_client(officer) as api:
        response = await _post_files(
            api, f"{COUNTER}/bookings/{code}/dossier", body, entries, paths
        )
    receipt = response.json()
    if as_json:
        render.print_json(receipt)
        return
    render.success(receipt["code"])
    if receipt.get("lookup_secret"):
        render.warning(f"lookup secret (print it on the receipt): {receipt['lookup_secret']}")


async def report(
    start: Annotated[str, typer.Option("--from", help="first day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last day, YYYY-MM-DD (included)")],
    agency: Annotated[str | None, typer.Option(help="only this agency")] = None,
    as_json: JsonFlag = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="print CSV")] = False,
    officer: OfficerOpt = None,
) -> None:
    """Bookings, no-shows and the waiting time at the counter per unit and procedure."""
    query = period(start, end) | ({"agency": agency} if agency else {})
    where = "/api/v1/reports/appointments"
    async with api_client(officer) as api:
        if as_csv:
            print((await api.request("GET", where, params={**query, "format": "csv"})).text, end="")
            return
        found = await api.get(where, **query)
    if as_json:
        render.print_json(found)
        return
    columns = ["unit", "procedure", "bookings", "cancelled", "came", "no-shows", "started", "wait"]
    lines = [
        [
            f"{g['unit']} ({g['agency']})",
            g["procedure"],
            *(str(g[k]) for k in ("bookings", "cancelled", "checked_in", "no_shows", "started")),
            "" if g["average_wait_minutes"] is None else f"{g['average_wait_minutes']} min",
        ]
        for g in found["groups"]
    ]
    title = f"appointments {found['start']} – {found['end']}"
    render.console.print(render.table(title, columns, lines))


def _said(found: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        render.print_json(found)
    else:
        render.success(line)


app.command("queue")(command(queue))
app.command("check-in")(command(check_in))
app.command("no-show")(command(no_show))
app.command("start")(command(start))
app.command("report")(command(report))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="counter", help="Appointments at the counter: queue, check-in.")
