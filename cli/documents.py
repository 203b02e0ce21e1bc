"""`hoso documents`, a client of the API: a dossier's documents listed with their level of
confidentiality and, with `--out`, written as files only their user may read (those the caller
may read; each file's SHA-256 checked before it is written, under a name of hoso's making:
`<kind>-<sha256 prefix>.<format>`, never the applicant's file name)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.api_client import api_client
from cli.context import command
from cli.forms import DOSSIERS, checked, write
from operations.documents import DocumentEntry


async def documents(
    code: Annotated[str, typer.Argument(help="dossier code")],
    out: Annotated[Path | None, typer.Option(help="write the documents into this folder")] = None,
    officer: Annotated[
        str | None, typer.Option("--as", help="your officer id (default: the token's)")
    ] = None,
) -> None:
    """List a dossier's documents; --out writes those you may read."""
    rows = []
    async with api_client(officer) as api:
        found = await api.get(f"{DOSSIERS}/{code}/documents")
        for entry in (DocumentEntry.model_validate(item) for item in found):
            written = "" if entry.readable else "(confidential to you)"
            if out is not None and entry.readable:
                written = f"{entry.kind}-{entry.sha256[:12]}.{entry.format}"
                response = await api.request("GET", f"{DOSSIERS}/{code}/documents/{entry.sha256}")
                write(out, written, checked(written, response.content, entry.sha256))
            level = entry.confidentiality.value
            rows.append([entry.kind, entry.file_name, f"{entry.size:,}", level, written])
    if not rows:
        render.info(f"{code} has no documents")
        return
    columns = ["kind", "file", "bytes", "level", "written as" if out else ""]
    render.console.print(render.table(f"documents of {code}", columns, rows))


def register(app: typer.Typer) -> None:
    app.command("documents")(command(documents))
