"""`hoso history`: a dossier's workflow history told in domain words (the API's timeline)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import render
from cli.api_client import api_client
from cli.context import command
from support.dossier_timeline import Entry


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
    async with api_client() as api:
        found = await api.get(f"/api/v1/dossiers/{code}/timeline", all=everything or None)
    entries = [Entry.model_validate(entry) for entry in found]
    if as_json:
        render.print_json([e.model_dump(mode="json") for e in entries])
    else:
        print_timeline(entries)


def register(app: typer.Typer) -> None:
    app.command("history")(command(history))
