"""`hoso rebuild`: recreate the projection from the workflow histories."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import render
from cli.context import CommandError, command, open_context
from support.client import connect
from support.rebuild import dossier_codes, rebuild


async def rebuild_projection(
    code: Annotated[str | None, typer.Argument(help="one dossier code")] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="every dossier on the server, on this task queue")
    ] = False,
) -> None:
    """Rewrite dossier rows, actions and documents from what the workflows recorded."""
    if (code is None) == (not everything):
        raise CommandError("name one dossier CODE or --all")
    ctx = open_context()
    client = await connect(ctx.settings)
    codes = [code] if code else [c async for c in dossier_codes(client, ctx.settings.task_queue)]
    written = await rebuild(client, ctx.sessions, ctx.store, codes)
    skipped = len(codes) - len(written)
    render.success(
        f"rebuilt {len(written)} dossier{'s' if len(written) != 1 else ''}"
        + (f" ({skipped} not yet recorded)" if skipped else "")
    )


def register(app: typer.Typer) -> None:
    app.command("rebuild")(command(rebuild_projection))
