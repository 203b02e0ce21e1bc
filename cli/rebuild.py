"""`hoso rebuild`: recreate the projection from the workflow histories."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from cli import render
from cli.context import CommandError, command, open_context
from support.client import connect
from support.dossier_failures import DossierFailure
from support.rebuild import dossier_codes, rebuild_each


async def rebuild_projection(
    code: Annotated[str | None, typer.Argument(help="one dossier code")] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="every dossier on the server, on this task queue")
    ] = False,
) -> None:
    """Rewrite dossier rows, actions, documents, record entries and deliveries from what the
    workflows recorded. A dossier that cannot be rebuilt is named with the reason and the others
    are rebuilt; exit code 1 if any failed."""
    if (code is None) == (not everything):
        raise CommandError("name one dossier CODE or --all")
    ctx = open_context()
    client = await connect(ctx.settings)
    codes = [code] if code else [c async for c in dossier_codes(client, ctx.settings.task_queue)]
    written = skipped = failed = 0
    async for _, outcome in rebuild_each(client, ctx.sessions, ctx.store, codes):
        if isinstance(outcome, DossierFailure):
            render.console.print(f"[red]{escape(outcome.line())}[/]", soft_wrap=True)
            failed += 1
        elif outcome:
            written += 1
        else:
            skipped += 1
    render.success(
        f"rebuilt {written} dossier{'s' if written != 1 else ''}"
        + (f" ({skipped} not yet recorded)" if skipped else "")
        + (f", {failed} failed" if failed else "")
    )
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("rebuild")(command(rebuild_projection))
