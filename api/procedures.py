"""The public catalogue of procedures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.dependencies import ServicesDep
from api.responses import PROBLEMS
from models.procedure import Procedure
from operations import catalogue

router = APIRouter(prefix="/api/v1/procedures", tags=["catalogue"])
Code = Annotated[
    str, Path(pattern=r"^[0-9]{1,3}(\.[0-9]{1,9}){1,3}$", description="procedure code")
]


@router.get("", response_model=list[catalogue.ProcedureSummary])
def list_procedures(services: ServicesDep) -> list[catalogue.ProcedureSummary]:
    """Every procedure at its latest version."""
    return catalogue.procedures(services.sessions)


@router.get("/{code}", response_model=Procedure, responses=PROBLEMS(404))
def get_procedure(code: Code, services: ServicesDep) -> Procedure:
    """A procedure: its documents, fee, delivery channels, time limit and review chain."""
    return catalogue.procedure(services.sessions, code)
