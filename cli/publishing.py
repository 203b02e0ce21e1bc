"""`hoso procedures load`: an agency administrator publishes procedure and officers files
through the API, each procedure and each roster signed on this machine with their token.

The files are read and validated here first (every problem named by file, stage and field);
the API checks them again, with the registry, and publishes them all or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli import render
from cli.api_client import api_client
from cli.context import CommandError
from models.intake import procedure_hash
from models.publication import PublicationKind, roster_hash
from operations.publishing import (
    CataloguePublication,
    PublicationResult,
    SignedProcedure,
    SignedRoster,
)
from support.catalogue import CatalogueFiles, read_files
from support.errors import CatalogueError
from support.publishers import OfficerPublisher

JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]


def signed_publication(files: CatalogueFiles, publisher: OfficerPublisher) -> CataloguePublication:
    """The files' rosters (one per agency) and procedures, each signed by `publisher`."""
    officers = [officer for _, roster in files.rosters for officer in roster.officers]
    rosters = []
    for agency in sorted({officer.agency for officer in officers}):
        own = [officer for officer in officers if officer.agency == agency]
        proof = publisher.proof_for(PublicationKind.roster, agency, agency, roster_hash(own))
        rosters.append(SignedRoster(officers=own, proof=proof))
    procedures = [
        SignedProcedure(
            procedure=procedure,
            proof=publisher.proof_for(
                PublicationKind.procedure,
                procedure.code,
                procedure.agency,
                procedure_hash(procedure),
            ),
        )
        for _, procedure in files.procedures
    ]
    return CataloguePublication(rosters=rosters, procedures=procedures)


async def load(
    paths: Annotated[list[Path], typer.Argument(help="procedure, officers or calendar files")],
    officer: Annotated[
        str | None, typer.Option("--as", help="the administrator (default: the token's)")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Validate the files, then publish them all or none (officers first), signed as the
    agency's administrator. Calendar files are only validated here."""
    files = read_files(paths)
    if files.problems:
        raise CatalogueError(files.problems)
    if files.agencies:
        raise CommandError(
            "the agency list is published on the machine that runs hoso (`hoso up` loads"
            " procedures/agencies.yaml), not by an agency's administrator"
        )
    for path in files.calendars:
        render.info(f"calendar: {path} is valid (`hoso calendar push` gives it to open dossiers)")
    if not files.rosters and not files.procedures:
        return
    async with api_client(officer) as api:
        body = signed_publication(files, OfficerPublisher(api.credential))
        found = await api.post("/api/v1/publications", body.model_dump(mode="json"))
    result = PublicationResult.model_validate(found)
    if as_json:
        render.print_json(result.model_dump(mode="json"))
        return
    _show(result)


def _show(result: PublicationResult) -> None:
    if result.officers:
        changed = sum(1 for officer in result.officers if officer.changed)
        render.info(f"officers: {len(result.officers)} published, {changed} changed")
    if result.revoked_tokens:
        render.info(
            f"{result.revoked_tokens} token(s) of officers whose role or unit changed revoked;"
            " open dossiers reload their trust"
        )
    if result.procedures:
        table = Table("code", "version", "changed", title="procedures published")
        for p in result.procedures:
            table.add_row(p.code, str(p.version), "yes" if p.changed else "no (same content)")
        render.console.print(table)
