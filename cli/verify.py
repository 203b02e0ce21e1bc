"""`hoso verify`: check dossiers' records against their histories, the database, the document
store and the agency seals; one line per difference, exit code 1 if any."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from cli import render
from cli.context import CommandError, command, open_context
from support.client import connect
from support.rebuild import dossier_codes
from support.seals import SealError, public_seals
from support.verify import projected_codes, verify_dossier


async def verify(
    code: Annotated[str | None, typer.Argument(help="one dossier code")] = None,
    everything: Annotated[
        bool,
        typer.Option("--all", help="every dossier in the database or on the server"),
    ] = False,
) -> None:
    """Recompute dossiers' tamper-evident records from their histories and name every
    difference in the database, the document store and the seals: a modified row, a deleted
    action, a replaced document, a forged result, a dossier the database lost. Exit code 1 if
    any."""
    if (code is None) == (not everything):
        raise CommandError("name one dossier CODE or --all")
    ctx = open_context()
    try:
        keys = public_seals(ctx.settings)
    except SealError as exc:
        raise CommandError(str(exc)) from exc
    client = await connect(ctx.settings)
    if code:
        codes = [code]
    else:  # a dossier the database lost entirely is known to the server only
        known = [c async for c in dossier_codes(client, ctx.settings.task_queue)]
        codes = sorted(set(projected_codes(ctx.sessions)) | set(known))
    if not codes:
        render.info("no dossier in the database or on the server")
    failed = 0
    for each in codes:
        report = await verify_dossier(client, ctx.sessions, ctx.store, keys, each)
        for note in report.notes:
            render.info(f"{each}: {note}")
        for difference in report.differences:
            render.console.print(f"[red]{each}: {escape(difference)}[/]", soft_wrap=True)
        if not report.differences:
            render.success(report.intact())
        failed += bool(report.differences)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("verify")(command(verify))
