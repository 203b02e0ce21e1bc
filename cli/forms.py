"""`hoso forms`, a client of the API: a dossier's forms (receipt, supplement request, refusal,
apology, result) listed and, with `--out`, written as PDF files only their user may read;
`--control-sheet` has the API draw form 05 now. Each file's SHA-256 is checked before it is
written."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path, PurePath
from typing import Annotated

import typer

from cli import render
from cli.api_client import ApiClient, api_client
from cli.context import CommandError, command
from operations.forms import FormEntry
from support.private_files import write_private

DOSSIERS = "/api/v1/dossiers"


def checked(name: str, content: bytes, sha256: str) -> bytes:
    if hashlib.sha256(content).hexdigest() != sha256:
        raise CommandError(f"{name}: the bytes received do not match its SHA-256: not written")
    return content


def write(folder: Path, name: str, content: bytes) -> None:
    if PurePath(name).name != name or name.startswith("."):
        raise CommandError(f"the API named a form '{name[:80]}': not a plain file name")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_private(folder / name, content)


def _repr_sha256(header: str) -> str:
    """The SHA-256 a `Repr-Digest: sha-256=:…:` header names, in hex ('' when it names none)."""
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "sha-256" and value.startswith(":") and value.endswith(":"):
            return base64.b64decode(value.strip(":")).hex()
    return ""


async def _control_sheet(api: ApiClient, code: str, folder: Path) -> list[str]:
    response = await api.request("GET", f"{DOSSIERS}/{code}/forms/control-sheet")
    name = f"{code}-control_sheet.pdf"
    sha256 = _repr_sha256(response.headers.get("repr-digest", ""))
    write(folder, name, checked(name, response.content, sha256))
    return ["control_sheet", "(drawn now)", name, sha256[:16]]


async def forms(
    code: Annotated[str, typer.Argument(help="dossier code")],
    out: Annotated[Path | None, typer.Option(help="write the forms into this folder")] = None,
    control_sheet: Annotated[
        bool, typer.Option("--control-sheet", help="also draw the control sheet (form 05) now")
    ] = False,
    officer: Annotated[
        str | None, typer.Option("--as", help="your officer id (default: the token's)")
    ] = None,
) -> None:
    """List the forms issued to a dossier; --out writes them, --control-sheet adds form 05."""
    rows = []
    async with api_client(officer) as api:
        found = await api.get(f"{DOSSIERS}/{code}/forms")
        for entry in (FormEntry.model_validate(item) for item in found):
            if out is not None:
                response = await api.request("GET", f"{DOSSIERS}/{code}/forms/{entry.sha256}")
                content = checked(entry.file_name, response.content, entry.sha256)
                write(out, entry.file_name, content)
            issued = render.local_time(entry.issued_at)
            rows.append([entry.kind, issued, entry.file_name, entry.sha256[:16]])
        if control_sheet:
            rows.append(await _control_sheet(api, code, out or Path(".")))
    if not rows:
        render.info(f"{code} has no forms yet")
        return
    render.console.print(
        render.table(f"forms of {code}", ["form", "issued", "file", "sha256"], rows)
    )
    if out is not None:
        render.info(f"written to {out}")


def register(app: typer.Typer) -> None:
    app.command("forms")(command(forms))
