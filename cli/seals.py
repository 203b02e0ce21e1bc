"""`hoso seal-key AGENCY`: the agency's seal (con dấu) for production, made where it will live.

In development a worker makes a missing seal key on first use; elsewhere it refuses to issue a
form unsealed, so an operator makes each agency's first key here, on a worker host (or makes it
and copies the pair into every worker's keys folder), and gives the `.pub` to whoever runs
`hoso verify`. `--rotate` adds the agency's next key (the old ones stay for verifying);
`--revoke KEY --since WHEN` stops trusting what a stolen or retired key sealed from then on.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from activities.keys import KeyFileError, load_public_keys
from cli import render
from cli.context import CommandError, command
from config import get_settings
from models.calendar import VIETNAM
from support.seals import (
    AGENCY,
    PREFIX,
    SealError,
    create_seal_key,
    generations,
    key_id,
    parse_key_id,
    revoke_seal_key,
)


async def seal_key(
    agency: Annotated[str, typer.Argument(help="agency id as in its procedures, e.g. so-tnmt")],
    rotate: Annotated[
        bool, typer.Option("--rotate", help="add the agency's next key; workers switch to it")
    ] = False,
    revoke: Annotated[
        str | None,
        typer.Option(help="revoke this key id of the agency (stolen or retired): see --since"),
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d"],
            help="with --revoke: forms it sealed from this moment (Vietnam time) on are not"
            " trusted; default now",
        ),
    ] = None,
) -> None:
    """Create the agency's Ed25519 seal key pair in the keys folder (HOSO_KEYS_DIR), add its next
    one (--rotate), or revoke one (--revoke KEY [--since WHEN]; with --rotate, then the next)."""
    settings = get_settings()  # key files only: no database on a key-holding host
    folder = settings.resolved_keys_dir
    if not AGENCY.fullmatch(agency):
        raise CommandError(
            f"not an agency id: {agency[:60]!r} (lowercase letters, digits and '-', at most 40)"
        )
    if revoke is not None:
        _revoke(folder, agency, revoke, since, rotating=rotate)
        if not rotate:
            return
    elif since is not None:
        raise CommandError("--since goes with --revoke")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        key = create_seal_key(folder, agency, rotate=rotate)
        raw = load_public_keys(folder, PREFIX)[key]
    except (SealError, KeyFileError, OSError) as exc:
        raise CommandError(f"cannot create the seal key: {exc}") from exc
    fingerprint = hashlib.sha256(raw.encode()).hexdigest()[:16]
    private, public = folder / f"{PREFIX}-{key}.key", folder / f"{PREFIX}-{key}.pub"
    render.success(
        f"seal key {key} of {agency} created: {private} (mode 0600, workers only) and {public}"
        f" (for `hoso verify`); fingerprint {fingerprint}"
    )
    if rotate:
        render.info(
            f"Copy both files into every worker's keys folder: workers seal with {key} from their"
            " next form on. Then delete the older private keys of the agency from the workers;"
            " keep their .pub files wherever forms are verified."
        )


def _revoke(folder: Path, agency: str, key: str, since: datetime | None, *, rotating: bool) -> None:
    parsed = parse_key_id(key)
    if parsed is None or parsed[0] != agency:
        raise CommandError(f"{key[:60]!r} is not a seal key id of {agency}")
    moment = since.replace(tzinfo=VIETNAM) if since is not None else datetime.now(UTC)
    try:
        path = revoke_seal_key(folder, key, moment)
        newest = key_id(agency, max(generations(folder, agency, ".pub")))
    except (SealError, OSError) as exc:
        raise CommandError(f"cannot revoke the seal key: {exc}") from exc
    render.success(
        f"seal key {key} revoked from {moment.astimezone(VIETNAM):%Y-%m-%d %H:%M} (Vietnam time)"
        f" on: {path}. Copy it wherever forms are verified and into every worker's keys folder."
    )
    if newest == key and not rotating:
        render.info(
            f"It was {agency}'s newest key: workers refuse to seal its forms until"
            f" `hoso seal-key {agency} --rotate` makes the next one and it is installed."
        )


def register(app: typer.Typer) -> None:
    app.command("seal-key")(command(seal_key))
