"""`hoso verify`, a client of the API (operators): dossiers' records checked against their
histories, the database, the document store and the agency seals; one line per difference, exit
code 1 if any."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from cli import render
from cli.api_client import api_client
from cli.context import CommandError, command
from operations.verification import CatalogueVerification, Verification


async def verify(
    code: Annotated[str | None, typer.Argument(help="one dossier code")] = None,
    everything: Annotated[
        bool,
        typer.Option("--all", help="every dossier in the database or on the server"),
    ] = False,
    catalogue: Annotated[
        bool,
        typer.Option(
            "--catalogue", help="the procedures and officers against their signed publications"
        ),
    ] = False,
    officer: Annotated[
        str | None, typer.Option("--as", help="the operator (default: the token's)")
    ] = None,
) -> None:
    """Recompute dossiers' tamper-evident records from their histories and name every
    difference in the database, the document store and the seals: a modified row, a deleted
    action, a replaced document, a forged result, a dossier the database lost. A dossier that
    cannot be checked (its history unreadable, its database rows unreachable) is named with the
    reason and the others are checked. With --catalogue, the procedure versions and officers in
    the database are checked against their signed publications instead. Exit code 1 if any
    differed or failed."""
    if catalogue:
        await verify_catalogue(officer, code is not None or everything)
        return
    if (code is None) == (not everything):
        raise CommandError("name one dossier CODE or --all (or --catalogue)")
    async with api_client(officer) as api:
        found = await api.get("/api/v1/verification", code=code)
    outcomes = [Verification.model_validate(item) for item in found]
    if not outcomes:
        render.info("no dossier in the database or on the server")
    tally = Tally()
    for outcome in outcomes:
        tally.show(outcome)
    if everything and outcomes:
        render.info(tally.summary())
    if tally.differing or tally.failed:
        raise typer.Exit(1)


async def verify_catalogue(officer: str | None, more: bool) -> None:
    if more:
        raise CommandError("--catalogue checks the catalogue alone: no CODE or --all with it")
    async with api_client(officer) as api:
        found = CatalogueVerification.model_validate(
            await api.get("/api/v1/verification/catalogue")
        )
    for difference in found.differences:
        render.console.print(f"[red]catalogue: {escape(difference)}[/]", soft_wrap=True)
    if found.differences:
        raise typer.Exit(1)
    render.success(found.summary)


class Tally:
    """What a run found, each dossier's lines printed in turn."""

    def __init__(self) -> None:
        self.intact = self.differing = self.failed = 0

    def show(self, outcome: Verification) -> None:
        if outcome.outcome == "failed":
            render.console.print(f"[red]{escape(outcome.summary)}[/]", soft_wrap=True)
            self.failed += 1
            return
        for note in outcome.notes:
            render.info(f"{outcome.code}: {note}")
        for difference in outcome.differences:
            render.console.print(f"[red]{outcome.code}: {escape(difference)}[/]", soft_wrap=True)
        if outcome.differences:
            self.differing += 1
        else:
            render.success(outcome.summary)
            self.intact += 1

    def summary(self) -> str:
        checked = self.intact + self.differing + self.failed
        return (
            f"checked {checked}: {self.intact} intact, {self.differing} with differences,"
            f" {self.failed} failed"
        )


def register(app: typer.Typer) -> None:
    app.command("verify")(command(verify))
