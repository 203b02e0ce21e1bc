"""Verifying dossiers' tamper-evident records (operators only): each record recomputed from its
history and compared with the database, the document store and the agencies' seals; one
dossier that cannot be checked is named with its reason and the others are checked. The
catalogue is verified against its signed publication record (`verify_publications`).

A province-wide operator verifies any dossier and `all`: every dossier in the database or on the
server (one the database lost entirely is known to the server only). An operator of one agency
verifies that agency's dossiers, as the database knows them; another's answers 404.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import select
from temporalio.client import Client

from models.officer import ADMINISTRATOR_ROLE
from models.tables import DossierRecord
from operations.access import Caller, province_wide, readable_agencies
from operations.errors import NotFound
from operations.mending import require_operator
from operations.services import Services
from support.calendar_publications import served_calendar_problem
from support.dossier_failures import DossierFailure
from support.rebuild import dossier_codes
from support.seals import public_seals
from support.verify import projected_codes, verify_each
from support.verify_catalogue import verify_catalogue
from support.verify_checks import Report


class Verification(BaseModel):
    """One dossier's outcome: intact (with what was checked), its differences, or why it could
    not be checked."""

    code: str
    outcome: str = Field(description="intact, differs or failed")
    summary: str = Field(description="what was found intact, or why it failed, as one line")
    differences: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @classmethod
    def of(cls, found: Report | DossierFailure) -> Verification:
        if isinstance(found, DossierFailure):
            return cls(code=found.code, outcome="failed", summary=found.line())
        kind = "differs" if found.differences else "intact"
        summary = found.intact() if not found.differences else f"{found.code}: differs"
        return cls(
            code=found.code,
            outcome=kind,
            summary=summary,
            differences=list(found.differences),
            notes=list(found.notes),
        )


def _agency_codes(services: Services, agencies: set[str]) -> list[str]:
    with services.sessions() as session:
        rows = session.exec(select(DossierRecord.code).where(DossierRecord.agency.in_(agencies)))  # type: ignore[attr-defined]
        return sorted(rows)


async def _codes(client: Client, caller: Caller, services: Services, code: str | None) -> list[str]:
    agencies = readable_agencies(caller, services.settings)
    if agencies is not None:
        mine = _agency_codes(services, agencies)
        if code is not None and code not in mine:
            raise NotFound(f"no dossier {code}")
        return [code] if code else mine
    if code is not None:
        return [code]
    known = [c async for c in dossier_codes(client, services.settings.task_queue)]
    return sorted(set(projected_codes(services.sessions)) | set(known))


async def verify(
    client: Client, caller: Caller, services: Services, code: str | None
) -> list[Verification]:
    """The dossier's verification, or (`code` None) every dossier's in the caller's scope."""
    require_operator(caller)
    keys = public_seals(services.settings)
    codes = await _codes(client, caller, services, code)
    return [
        Verification.of(found)
        async for found in verify_each(client, services.sessions, services.store, keys, codes)
    ]


class CatalogueVerification(BaseModel):
    """The catalogue's rows (procedure versions, officers) against its signed publications."""

    outcome: str = Field(description="intact or differs")
    summary: str = Field(description="what was found intact, as one line")
    differences: list[str] = Field(default_factory=list)


def verify_publications(caller: Caller, services: Services) -> CatalogueVerification:
    """The catalogue of the caller's scope: an operator's agencies (province-wide: all), or an
    administrator's own agency."""
    if caller.officer.role != ADMINISTRATOR_ROLE:
        require_operator(caller)
    agencies = readable_agencies(caller, services.settings)
    keys = public_seals(services.settings)
    province = province_wide(services.settings)
    report = verify_catalogue(services.sessions, keys.issuers, agencies, province)
    with services.sessions() as session:
        served = served_calendar_problem(session, services.settings)
    if served is not None:
        report.differences.append(served)
    return CatalogueVerification(
        outcome="differs" if report.differences else "intact",
        summary="catalogue: differs" if report.differences else report.intact(),
        differences=report.differences,
    )
