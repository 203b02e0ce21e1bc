"""`hoso history`: a dossier's workflow history told in domain words."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import render
from cli.context import command
from config import get_settings
from support.client import connect
from support.dossier_timeline import Entry, timeline


def print_timeline(entries: list[Entry]) -> None:
    rows = ([render.local_time(e.at), e.event, e.detail] for e in entries)
    render.console.print(render.table(None, ["at (ICT)", "event", "detail"], rows))


async def history(
    code: Annotated[str, typer.Argument(help="dossier code")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of text")] = False,
    everything: Annotated[
        bool, typer.Option("--all", help="also show projection writes and timers")
    ] = False,
) -> None:
    """Tell a dossier's whole history: submission, every action, notice, form and deadline."""
    client = await connect(get_settings())
    entries = await timeline(client, code, everything=everything)
    if as_json:
        render.print_json([e.model_dump(mode="json") for e in entries])
    else:
        print_timeline(entries)


def register(app: typer.Typer) -> None:
    app.command("history")(command(history))
