"""`hoso retry`, a client of the API: an operator mends a dossier whose activity keeps failing,
once the cause is fixed. The retry is signed here, on the operator's machine; the API records it
in the dossier's history and runs the failing activities again now."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import render
from cli.api_client import api_client
from cli.context import command
from models.actions import RetryRequest

DOSSIERS = "/api/v1/dossiers"


async def retry(
    code: Annotated[str, typer.Argument(help="dossier code")],
    officer: Annotated[str, typer.Option("--as", help="the operator mending the dossier")],
    note: Annotated[str, typer.Option(help="what was fixed")] = "",
) -> None:
    """Run a dossier's failing activities again now (after their cause is fixed); recorded."""
    async with api_client(officer) as api:
        view = await api.get(f"{DOSSIERS}/{code}")
        item = RetryRequest(officer=api.credential.officer, note=note)
        signed = api.credential.sign(item, dossier=code, stage=view["stage"], update="retry")
        outcome = await api.post(f"{DOSSIERS}/{code}/retry", signed.model_dump(mode="json"))
    for line in outcome["rerun"]:
        render.info(f"{code}: running again now: {line}")
    if not outcome["rerun"]:
        render.info(f"{code}: no activity is failing; the request is recorded")


def register(app: typer.Typer) -> None:
    app.command("retry")(command(retry))
