"""The public catalogue of procedures (thủ tục hành chính): what anyone may read."""

from __future__ import annotations

from pydantic import BaseModel

from models.procedure import DeliveryChannel, Procedure, ServiceLevel
from operations.errors import NotFound
from support import catalogue
from support.errors import CatalogueError
from support.intake import Sessions


class ProcedureSummary(BaseModel):
    """One procedure of the catalogue, at its latest published version."""

    code: str
    version: int
    name: str
    agency: str
    service: ServiceLevel
    working_days: int
    fee: int
    delivery: list[DeliveryChannel]


def procedures(sessions: Sessions) -> list[ProcedureSummary]:
    """Every procedure, by code, at its latest version."""
    with sessions() as session:
        found = catalogue.list_procedures(session)
    return [
        ProcedureSummary(
            code=p.code,
            version=p.version,
            name=p.name,
            agency=p.agency,
            service=p.service,
            working_days=p.working_days,
            fee=p.fee,
            delivery=list(p.delivery),
        )
        for p in found
    ]


def procedure(sessions: Sessions, code: str) -> Procedure:
    """A procedure at its latest version: documents, fee, delivery channels, time limit, chain."""
    try:
        with sessions() as session:
            return catalogue.latest_procedure(session, code)
    except CatalogueError:
        raise NotFound(f"no procedure {code}") from None
