"""`hoso temporal-certs FOLDER`: the certificates of a Compose deployment's Temporal frontend."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.context import CommandError, command
from support.private_files import PrivateFileError
from support.temporal_certs import SERVER_NAME, CertificateFolderError, make_certificates


async def temporal_certs(
    folder: Annotated[Path, typer.Argument(help="where to write them, e.g. deploy/temporal/certs")],
    days: Annotated[int, typer.Option(min=1, max=3650, help="validity of every certificate")] = 365,
    host: Annotated[
        list[str] | None,
        typer.Option(help="the frontend's host name (repeat for more); default `temporal`"),
    ] = None,
) -> None:
    """Make a CA, the Temporal frontend's certificate, hoso's client certificate (shared by all
    of hoso's services) and the Web UI's, each key readable by its owner only. Existing files are
    never overwritten."""
    try:
        written = make_certificates(folder, days=days, hosts=tuple(host or (SERVER_NAME,)))
    except (CertificateFolderError, PrivateFileError) as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(f"cannot write the certificates in {folder}: {exc.strerror}") from exc
    render.success(f"{len(written)} files written in {folder} (mode 0600):")
    for path in written:
        render.info(f"  {path.name}")
    render.info(
        "ca.key signs new certificates: keep it off the servers. Install the rest as"
        " docs/operations.md says (Temporal's frontend certificate)."
    )


def register(app: typer.Typer) -> None:
    app.command("temporal-certs")(command(temporal_certs))
