"""`hoso procedures`: publish procedure and officers files (through the API, as the agency's
administrator: cli/publishing.py), list and show the catalogue."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import typer
from rich.markup import escape
from rich.table import Table

from cli import render
from cli.api_client import public_client
from models.procedure import (
    ConsultationStage,
    CouncilStage,
    DecisionStage,
    Procedure,
    ReviewStage,
)

app = typer.Typer(help="The procedure catalogue (thủ tục hành chính).", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]
CATALOGUE = "/api/v1/procedures"


def _register_load() -> None:
    from cli.context import command
    from cli.publishing import load

    app.command("load")(command(load))


_register_load()


async def list_(as_json: JsonOption = False) -> None:
    """The latest version of every procedure (the API's public catalogue)."""
    async with public_client() as api:
        procedures = await api.get(CATALOGUE)
    if as_json:
        render.print_json(procedures)
        return
    table = Table("code", "version", "name", "agency", "service", "working days")
    for p in procedures:
        table.add_row(
            p["code"],
            str(p["version"]),
            escape(p["name"]),
            p["agency"],
            p["service"],
            str(p["working_days"]),
        )
    render.console.print(table)


async def show(code: str, as_json: JsonOption = False) -> None:
    """A procedure's latest version: its chain stage by stage, documents and delivery."""
    async with public_client() as api:
        found = await api.get(f"{CATALOGUE}/{quote(code, safe='')}")
    if as_json:
        render.print_json(found)
        return
    _print_procedure(Procedure.model_validate(found))


def _register_reads() -> None:
    from cli.context import command

    app.command("list")(command(list_))
    app.command("show")(command(show))


_register_reads()


def _print_procedure(p: Procedure) -> None:
    out = render.console
    out.print(f"[bold]{p.code}[/] v{p.version} — {escape(p.name)}", soft_wrap=True)
    out.print(
        f"agency {p.agency} · {p.service.value} · {p.working_days} working days · fee {p.fee} VND",
        soft_wrap=True,
    )
    if p.legal_basis:
        out.print(f"legal basis: {escape(p.legal_basis)}", soft_wrap=True)
    if p.effective_from:
        out.print(f"effective from {p.effective_from.isoformat()}")
    chain = Table("#", "stage", "kind", "who", "working days", "notes", title="chain")
    for position, stage in enumerate(p.chain, start=1):
        if isinstance(stage, ConsultationStage):
            who, notes = ", ".join(stage.agencies), f"on_timeout: {stage.on_timeout}"
        else:
            who, notes = f"{stage.role} @ {stage.unit}", ""
            if isinstance(stage, CouncilStage):
                notes = (
                    f"council of {stage.min_members}+, experts {stage.expert_share},"
                    f" quorum {stage.quorum} with the chair; convened by the {stage.role}"
                )
            if isinstance(stage, ReviewStage | CouncilStage | DecisionStage) and stage.return_to:
                notes = ", ".join(filter(None, [notes, f"return_to: {stage.return_to}"]))
        chain.add_row(
            str(position), stage.id, stage.kind.value, who, str(stage.working_days), notes
        )
    out.print(chain)
    documents = Table("kind", "name", "required", "formats", title="documents")
    for doc in p.documents:
        documents.add_row(
            doc.kind, escape(doc.name), "yes" if doc.required else "no", ", ".join(doc.formats)
        )
    out.print(documents)
    out.print(f"delivery: {', '.join(channel.value for channel in p.delivery)}")
