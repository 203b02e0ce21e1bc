"""`hoso refusals`: the actions the dossiers refused (forged, stale, replayed, not allowed now),
and who is refused in bursts. Through the API, for operators."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import render
from cli.api_client import api_client
from cli.context import command
from operations.refusals import Refusals


async def refusals(
    hours: Annotated[int, typer.Option(help="the last N hours")] = 24,
    officer: Annotated[str | None, typer.Option(help="only this officer's attempts")] = None,
    dossier: Annotated[str | None, typer.Option(help="only this dossier's")] = None,
    operator: Annotated[
        str | None, typer.Option("--as", help="the operator (default: the token's)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of text")] = False,
) -> None:
    """List refused actions of your scope: time, officer, dossier, update, reason; then each
    officer's count, bursts first."""
    async with api_client(operator) as api:
        raw = await api.get("/api/v1/refusals", hours=hours, officer=officer, dossier=dossier)
    if as_json:
        render.print_json(raw)
        return
    found = Refusals.model_validate(raw)
    if not found.attempts:
        render.success(f"no action refused since {render.local_time(found.since)}")
        return
    for attempt in found.attempts:
        render.console.print(
            f"{render.local_time(attempt.at)}  {attempt.officer or '-'}  {attempt.dossier}"
            f"  {attempt.update}: {attempt.reason}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    for who in found.officers:
        line = f"{who.officer or '(nobody named)'}: {who.count} refused"
        if who.burst:
            render.warning(f"{line}, {who.most_in_span} within minutes (a burst)")
        else:
            render.info(line)


def register(app: typer.Typer) -> None:
    app.command("refusals")(command(refusals))
