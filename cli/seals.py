"""`hoso seal-key AGENCY`: the agency's seal (con dấu) for production, made where it will live.

In development a worker makes a missing seal key on first use; elsewhere it refuses to issue a
form unsealed, so an operator makes each agency's key once, here, on a worker host (or makes it
and copies the pair into every worker's keys folder), and gives the `.pub` to whoever runs
`hoso verify`.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

import typer

from activities.keys import KeyFileError, load_public_keys
from cli import render
from cli.context import CommandError, command
from config import get_settings
from support.seals import AGENCY, PREFIX, SealError, create_seal_key


async def seal_key(
    agency: Annotated[str, typer.Argument(help="agency id as in its procedures, e.g. so-tnmt")],
) -> None:
    """Create the agency's Ed25519 seal key pair in the keys folder (HOSO_KEYS_DIR)."""
    settings = get_settings()  # key files only: no database on a key-holding host
    folder = settings.resolved_keys_dir
    if not AGENCY.fullmatch(agency):
        raise CommandError(
            f"not an agency id: {agency[:60]!r} (lowercase letters, digits and '-', at most 40)"
        )
    private = folder / f"{PREFIX}-{agency}.key"
    if private.exists():
        raise CommandError(
            f"{private} exists already: a seal key is never replaced (forms sealed with it"
            " would no longer verify)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    try:
        public = create_seal_key(folder, agency)
        raw = load_public_keys(folder, PREFIX)[agency]
    except (SealError, KeyFileError, OSError) as exc:
        raise CommandError(f"cannot create the seal key: {exc}") from exc
    fingerprint = hashlib.sha256(raw.encode()).hexdigest()[:16]
    render.success(
        f"seal key of {agency} created: {private} (mode 0600, workers only) and {public}"
        f" (for `hoso verify`); fingerprint {fingerprint}"
    )


def register(app: typer.Typer) -> None:
    app.command("seal-key")(command(seal_key))
