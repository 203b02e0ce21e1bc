"""`hoso webhooks …`: portals' webhook subscribers, for operators, through the API — register
(the secret shown once), list, remove, replay a period, list the failing deliveries."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from cli import render
from cli.api_client import api_client
from cli.context import CommandError, command
from models.calendar import VIETNAM
from models.webhooks import STATUS_CHANGED

app = typer.Typer(help="Portals' webhooks (Standard Webhooks).", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]
Operator = Annotated[str | None, typer.Option("--as", help="the operator (default: the token's)")]


def _secret(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text().strip()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from None


async def add(
    name: Annotated[str, typer.Argument(help="the portal's name (its id in hoso)")],
    url: Annotated[str, typer.Argument(help="where to post events (https)")],
    secret_file: Annotated[
        Path | None,
        typer.Option(help="a file holding the whsec_ secret agreed with the portal; default new"),
    ] = None,
    event: Annotated[list[str] | None, typer.Option(help="an event type wanted")] = None,
    agency: Annotated[
        list[str] | None, typer.Option(help="an agency followed; default: your scope")
    ] = None,
    operator: Operator = None,
) -> None:
    """Register a portal to receive dossiers' events, signed with its secret."""
    body: dict[str, Any] = {"name": name, "url": url, "events": event or [STATUS_CHANGED]}
    if (secret := _secret(secret_file)) is not None:
        body["secret"] = secret
    if agency:
        body["agencies"] = agency
    async with api_client(operator) as api:
        made = await api.post("/api/v1/webhooks", body)
    agencies = ", ".join(made["agencies"]) if made["agencies"] else "every agency"
    render.success(f"{made['name']} registered: {', '.join(made['events'])} of {agencies}")
    if secret is None:
        render.info("its signing secret, shown this once (give it to the portal):")
        typer.echo(made["secret"])


async def list_subscribers(operator: Operator = None, as_json: JsonFlag = False) -> None:
    """List the subscribers of your scope (never their secrets)."""
    async with api_client(operator) as api:
        rows = await api.get("/api/v1/webhooks")
    if as_json:
        render.print_json(rows)
        return
    if not rows:
        render.info("no webhook subscribers")
    for row in rows:
        agencies = ", ".join(row["agencies"]) if row["agencies"] else "every agency"
        state = "active" if row["active"] else "removed"
        render.info(f"{row['name']}  {row['url']}  {agencies}  {state}")


async def remove(
    name: Annotated[str, typer.Argument(help="the subscriber")], operator: Operator = None
) -> None:
    """Stop posting to a subscriber (its deliveries stay on record)."""
    async with api_client(operator) as api:
        await api.request("DELETE", f"/api/v1/webhooks/{name}")
    render.success(f"{name}: no more deliveries")


def _moment(value: str, option: str) -> str:
    """An ISO date or time; without a zone, Vietnam's."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{option} {value}: expected a date or time (2026-12-01T08:00)"
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)).isoformat()


async def replay(
    name: Annotated[str, typer.Argument(help="the subscriber")],
    since: Annotated[str, typer.Option(help="from this date or time (ICT unless given)")],
    until: Annotated[str, typer.Option(help="to this date or time, excluded")],
    operator: Operator = None,
) -> None:
    """Send a subscriber again every event of dossiers' changes in a period, in order."""
    period = {"since": _moment(since, "--since"), "until": _moment(until, "--until")}
    async with api_client(operator) as api:
        done = await api.post(f"/api/v1/webhooks/{name}/replays", period)
    render.success(f"{name}: {done['replayed']} deliveries queued again")


async def failing(
    subscriber: Annotated[str | None, typer.Option(help="only this subscriber's")] = None,
    operator: Operator = None,
    as_json: JsonFlag = False,
) -> None:
    """List the deliveries whose last attempt failed: being retried, or given up."""
    async with api_client(operator) as api:
        rows = await api.get("/api/v1/webhook-deliveries", subscriber=subscriber)
    if as_json:
        render.print_json(rows)
        return
    if not rows:
        render.info("no failing deliveries")
    for row in rows:
        then = (
            f"next at {render.local_time(datetime.fromisoformat(row['next_attempt_at']))}"
            if row["next_attempt_at"]
            else "given up"
        )
        render.info(
            f"{row['subscriber']}  {row['dossier']}  {row['event']}  {row['attempts']} attempts,"
            f" last {row['last_error']}; {then}"
        )


app.command("add")(command(add))
app.command("list")(command(list_subscribers))
app.command("remove")(command(remove))
app.command("replay")(command(replay))
app.command("failing")(command(failing))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="webhooks", help="Portals' webhooks: subscribers, replays, failures.")
