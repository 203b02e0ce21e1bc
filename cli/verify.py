"""`hoso verify`: check dossiers' records against their histories, the database, the document
store and the agency seals; one line per difference, exit code 1 if any."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from cli import render
from cli.context import CommandError, command, open_context
from support.client import connect
from support.dossier_failures import DossierFailure
from support.rebuild import dossier_codes
from support.seals import SealError, public_seals
from support.verify import projected_codes, verify_each
from support.verify_checks import Report


async def verify(
    code: Annotated[str | None, typer.Argument(help="one dossier code")] = None,
    everything: Annotated[
        bool,
        typer.Option("--all", help="every dossier in the database or on the server"),
    ] = False,
) -> None:
    """Recompute dossiers' tamper-evident records from their histories and name every
    difference in the database, the document store and the seals: a modified row, a deleted
    action, a replaced document, a forged result, a dossier the database lost. A dossier that
    cannot be checked (its history unreadable, its database rows unreachable) is named with the
    reason and the others are checked. Exit code 1 if any differed or failed."""
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
    tally = Tally()
    async for outcome in verify_each(client, ctx.sessions, ctx.store, keys, codes):
        tally.show(outcome)
    if everything and codes:
        render.info(tally.summary())
    if tally.differing or tally.failed:
        raise typer.Exit(1)


class Tally:
    """What a run found so far, each dossier's lines printed as it comes."""

    def __init__(self) -> None:
        self.intact = self.differing = self.failed = 0

    def show(self, outcome: Report | DossierFailure) -> None:
        if isinstance(outcome, DossierFailure):
            render.console.print(f"[red]{escape(outcome.line())}[/]", soft_wrap=True)
            self.failed += 1
            return
        for note in outcome.notes:
            render.info(f"{outcome.code}: {note}")
        for difference in outcome.differences:
            render.console.print(f"[red]{outcome.code}: {escape(difference)}[/]", soft_wrap=True)
        if outcome.differences:
            self.differing += 1
        else:
            render.success(outcome.intact())
            self.intact += 1

    def summary(self) -> str:
        checked = self.intact + self.differing + self.failed
        return (
            f"checked {checked}: {self.intact} intact, {self.differing} with differences,"
            f" {self.failed} failed"
        )


def register(app: typer.Typer) -> None:
    app.command("verify")(command(verify))
