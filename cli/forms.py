"""`hoso forms`: a dossier's forms (receipt, supplement request, refusal, apology, result) listed
and written out as PDF files; `--control-sheet` draws form 05 from the workflow now."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import col, select

from cli import render
from cli.context import CommandError, command, open_context
from models.tables import DocumentRecord, DossierRecord
from support.client import connect
from support.control_sheet import render_control_sheet
from support.private_files import write_private
from support.rebuild import read_dossier


def _file_name(code: str, record: DocumentRecord, seen: dict[str, int]) -> str:
    """`<code>-<kind>.pdf`; a second form of the same kind (a new receipt) gets `-2`."""
    seen[record.kind] = seen.get(record.kind, 0) + 1
    suffix = f"-{seen[record.kind]}" if seen[record.kind] > 1 else ""
    return f"{code}-{record.kind}{suffix}.{record.format}"


async def forms(
    code: Annotated[str, typer.Argument(help="dossier code")],
    out: Annotated[Path | None, typer.Option(help="write the forms into this folder")] = None,
    control_sheet: Annotated[
        bool, typer.Option("--control-sheet", help="also draw the control sheet (form 05) now")
    ] = False,
) -> None:
    """List the forms issued to a dossier; --out writes them, --control-sheet adds form 05."""
    ctx = open_context()
    with ctx.sessions() as session:
        if session.get(DossierRecord, code) is None:
            raise CommandError(f"no dossier {code} in the projection")
        records = list(
            session.exec(
                select(DocumentRecord)
                .where(DocumentRecord.dossier_code == code, DocumentRecord.source == "form")
                .order_by(col(DocumentRecord.added_at), col(DocumentRecord.id))
            ).all()
        )
    seen: dict[str, int] = {}
    rows = []
    for record in records:
        name = _file_name(code, record, seen)
        if out is not None:
            if not ctx.store.exists(record.sha256):
                raise CommandError(f"{name}: document {record.sha256[:12]}… is not in the store")
            out.mkdir(parents=True, exist_ok=True)
            write_private(out / name, ctx.store.read(record.sha256))
        rows.append([record.kind, render.local_time(record.added_at), name, record.sha256[:16]])
    if control_sheet:
        client = await connect(ctx.settings)
        source = await read_dossier(client, code)
        if source.state is None:
            raise CommandError(
                f"{code} has no recorded state yet (a running dossier's state comes from a worker)"
            )
        now = datetime.now(UTC)
        data = render_control_sheet(
            source.submission.procedure,
            source.state,
            source.submission.applicant.name,
            now,
            source.submission.names,
        )
        folder = out or Path(".")
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{code}-control_sheet.pdf"
        write_private(folder / name, data)
        rows.append(["control_sheet", render.local_time(now), name, "(drawn now)"])
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
