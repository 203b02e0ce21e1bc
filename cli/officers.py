"""`hoso officers …`: officers' tokens — issue, list, revoke; refresh the dossiers' trust.

Tokens are issued where the issuer key is (its folder is HOSO_KEYS_DIR): the token holds the
officer's private key, which never travels through the API. The database keeps only each token's
hash, its expiry and its revocation. Listing and revoking go through the API, for operators.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from activities.keys import write_private
from cli import render
from cli.api_client import api_client
from cli.context import CommandError, command, open_context
from models.officer import ADMINISTRATOR_ROLE, Officer, OfficerRoster
from models.tables import OfficerRecord
from support.catalogue import publish_officers
from support.client import connect
from support.credentials import WEB_ISSUER_PREFIX, Issuer, issue_token
from support.officer_accounts import AccountError
from support.officer_accounts import set_password as set_officer_password
from support.open_dossiers import refresh_trust as reload_trust
from support.publishers import machine_publisher

app = typer.Typer(help="Officers' credentials (tokens).", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]


async def issue(
    officer: Annotated[str, typer.Argument(help="officer id from the registry")],
    days: Annotated[int | None, typer.Option(help="validity; default HOSO_TOKEN_DAYS")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="write the token to this file (mode 0600)")
    ] = None,
) -> None:
    """Issue a token to an officer (shown once; only its hash is kept)."""
    ctx = open_context()
    if days is not None and not 1 <= days <= 366:
        raise CommandError("--days must be between 1 and 366")
    if out is not None and out.exists():
        raise CommandError(f"{out} exists: choose a new file (tokens are never overwritten)")
    credential = issue_token(ctx.sessions, ctx.settings, officer, days=days)
    cert = credential.certificate
    if out is not None:
        if not write_private(out, (credential.token + "\n").encode()):
            raise CommandError(f"{out} appeared meanwhile: not overwritten")
        render.success(
            f"token {cert.token_id} for {officer} written to {out}, valid until"
            f" {cert.expires_at:%Y-%m-%d}; use it with HOSO_TOKEN_FILE={out.resolve()}"
        )
        return
    render.info(
        f"token {cert.token_id} for {officer}, valid until {cert.expires_at:%Y-%m-%d}."
        " It is shown once: keep it in a file readable only by its officer (HOSO_TOKEN_FILE)."
    )
    typer.echo(credential.token)


async def tokens(
    officer: Annotated[str | None, typer.Argument(help="only this officer's tokens")] = None,
    operator: Annotated[
        str | None, typer.Option("--as", help="the operator (default: the token's)")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """List issued tokens: id, officer, issued, expires, revoked (never the tokens). Through the
    API, for operators."""
    async with api_client(operator) as api:
        rows = await api.get("/api/v1/tokens", officer=officer)
    if as_json:
        render.print_json(rows)
        return
    if not rows:
        render.info("no tokens issued")
    for row in rows:
        state = f"revoked by {row['revoked_by']}" if row["revoked_at"] else "live"
        render.info(
            f"{row['token_id']}  {row['officer']!s:<24} issued {str(row['issued_at'])[:10]}"
            f"  expires {str(row['expires_at'])[:10]}  {state}"
        )


async def revoke_command(
    target: Annotated[str, typer.Argument(help="a token id, or an officer id (all their tokens)")],
    officer: Annotated[str, typer.Option("--as", help="the operator revoking")],
) -> None:
    """Revoke tokens at once; every open dossier then reloads its trust. Through the API."""
    async with api_client(officer) as api:
        done = await api.post("/api/v1/tokens/revocations", {"target": target})
    if not done["revoked"]:
        render.info(f"{target}: no live token to revoke")
        return
    render.success(f"revoked {len(done['revoked'])} token(s): {', '.join(done['revoked'])}")
    render.info(_reloading(done["reloading"]))


async def refresh_trust() -> None:
    """Make every open dossier reload the issuer keys and revoked tokens (after a key change)."""
    ctx = open_context()
    reached = await reload_trust(await connect(ctx.settings), ctx.settings.task_queue)
    render.success(_reloading(reached))


def _reloading(n: int) -> str:
    if n == 1:
        return "1 open dossier reloads its trust anchors"
    return f"{n} open dossiers reload their trust anchors"


async def new_issuer(
    key_id: Annotated[str, typer.Argument(help="id of the new issuer key, e.g. 2027-01")],
) -> None:
    """Create a new issuer key pair in the keys folder (copy the .pub to every worker)."""
    ctx = open_context()
    folder = ctx.settings.resolved_keys_dir
    if not key_id.replace("-", "").isalnum() or key_id != key_id.lower():
        raise CommandError("the key id may hold lowercase letters, digits and '-'")
    if (folder / f"issuer-{key_id}.key").exists():
        raise CommandError(f"issuer key {key_id} exists already in {folder}")
    issuer = Issuer.create(folder, key_id)
    os.utime(folder / f"issuer-{key_id}.key")
    if f"issuer-{key_id}".startswith(WEB_ISSUER_PREFIX):
        render.success(
            f"web issuer {issuer.key_id} created in {folder}: this API host certifies its browser"
            f" sessions' keys with it. Give issuer-{key_id}.pub to every worker, then run"
            " `hoso officers refresh-trust`"
        )
        return
    render.success(
        f"issuer {issuer.key_id} created in {folder}; new tokens use it. Give"
        f" issuer-{key_id}.pub to every worker, then run `hoso officers refresh-trust`"
    )


async def new_administrator(
    officer: Annotated[str, typer.Argument(help="the new administrator's officer id")],
    agency: Annotated[str, typer.Option(help="the agency they administer")],
    name: Annotated[str, typer.Option(help="their full name")],
    unit: Annotated[str, typer.Option(help="their unit")] = "office",
    email: Annotated[str | None, typer.Option(help="their email")] = None,
) -> None:
    """Register an agency's first administrator, on the machine that holds the issuer key
    (the publication is signed with it); they then publish the agency's roster and procedures
    through the API with their token (`hoso officers issue-token`)."""
    ctx = open_context()
    try:
        person = Officer(
            id=officer, name=name, role=ADMINISTRATOR_ROLE, unit=unit, agency=agency, email=email
        )
    except ValidationError as exc:
        raise CommandError(str(exc).splitlines()[0]) from None
    with ctx.sessions() as session:
        known = session.get(OfficerRecord, officer)
        if known is not None and known.agency != agency:
            raise CommandError(f"{officer} is an officer of {known.agency}, not {agency}")
        publish_officers(
            session, OfficerRoster(officers=[person]), publisher=machine_publisher(ctx.settings)
        )
    render.success(
        f"{officer} is an administrator of {agency}, published with the issuer key; issue their"
        f" token with `hoso officers issue-token {officer}`"
    )


app.command("issue-token")(command(issue))
app.command("new-administrator")(command(new_administrator))
app.command("tokens")(command(tokens))
app.command("revoke")(command(revoke_command))
app.command("refresh-trust")(command(refresh_trust))
app.command("new-issuer")(command(new_issuer))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="officers", help="Officers' credentials: issue and revoke tokens.")


async def set_password(
    officer: Annotated[str, typer.Argument(help="officer id from the registry")],
    new_totp: Annotated[
        bool, typer.Option("--new-totp", help="enrol the second factor again at next sign-in")
    ] = False,
) -> None:
    """Set an officer's password for the web pages (asked twice, never a flag); unlocks the
    account. Runs where the database is, as issuing tokens does."""
    ctx = open_context()
    password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        created = set_officer_password(
            ctx.sessions, officer, password, now=datetime.now(UTC), new_totp=new_totp
        )
    except AccountError as exc:
        raise CommandError(str(exc)) from None
    then = (
        "enrols the second factor (TOTP) at the first sign-in"
        if created or new_totp
        else ("signs in with their second factor as before")
    )
    render.success(f"password set for {officer}; the officer {then}")


app.command("set-password")(command(set_password))
