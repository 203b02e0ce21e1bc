"""`hoso procedures`: publish procedure and officers files (through the API, as the agency's
administrator: cli/publishing.py), list and show the catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table
from sqlmodel import Session

from cli import render
from config import get_settings
from models.procedure import (
    ConsultationStage,
    CouncilStage,
    DecisionStage,
    Procedure,
    ReviewStage,
)
from support.catalogue import CatalogueError, latest_procedure, list_procedures
from support.private_files import private_folder

app = typer.Typer(help="The procedure catalogue (thủ tục hành chính).", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]


@contextmanager
def open_session() -> Iterator[Session]:
    """A session on the configured database, its schema created if absent."""
    from activities.database import create_schema, make_engine, session_factory

    settings = get_settings()
    if settings.database_url is None:
        private_folder(settings.data_dir)
    engine = make_engine(settings.resolved_database_url)
    try:
        create_schema(engine)
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def reported_errors() -> Iterator[None]:
    """A catalogue error becomes one red line per problem on stderr and exit code 1."""
    try:
        yield
    except CatalogueError as exc:
        for problem in exc.problems:
            render.error(problem)
        raise typer.Exit(1) from None
    except (ValidationError, OSError) as exc:
        render.error(str(exc).splitlines()[0] or type(exc).__name__)
        raise typer.Exit(1) from None


def _register_load() -> None:
    from cli.context import command
    from cli.publishing import load

    app.command("load")(command(load))


_register_load()


@app.command("list")
def list_(as_json: JsonOption = False) -> None:
    """The latest version of every procedure."""
    with reported_errors(), open_session() as session:
        procedures = list_procedures(session)
    if as_json:
        render.print_json([_summary(p) for p in procedures])
        return
    table = Table("code", "version", "name", "agency", "service", "working days")
    for p in procedures:
        table.add_row(
            p.code, str(p.version), escape(p.name), p.agency, p.service.value, str(p.working_days)
        )
    render.console.print(table)


@app.command("show")
def show(code: str, as_json: JsonOption = False) -> None:
    """A procedure's latest version: its chain stage by stage, documents and delivery."""
    with reported_errors(), open_session() as session:
        procedure = latest_procedure(session, code)
    if as_json:
        render.print_json(procedure.model_dump(mode="json"))
        return
    _print_procedure(procedure)


def _summary(p: Procedure) -> dict[str, object]:
    return {
        "code": p.code,
        "version": p.version,
        "name": p.name,
        "agency": p.agency,
        "service": p.service.value,
        "working_days": p.working_days,
    }


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
