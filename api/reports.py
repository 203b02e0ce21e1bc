"""Reports (Decision 766 indicators, JSON or CSV) and the dossier register (form 06: JSON, CSV or
PDF) of an agency over a period, for operators and the agency's leaders."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from api.dependencies import CallerDep, ServicesDep
from api.responses import PROBLEMS
from models.procedure import Identifier
from operations import reports
from operations.reports import DossierRegister, ReportView
from support.dossier_register import register_csv
from support.report_output import to_csv
from support.reports import GroupBy, Report

router = APIRouter(prefix="/api/v1", tags=["reports"])
Start = Annotated[date, Query(alias="from", description="first day")]
End = Annotated[date, Query(alias="to", description="last day (included)")]
Agency = Annotated[Identifier | None, Query(description="the agency (default: the caller's)")]
CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"


class TableFormat(StrEnum):
    json = "json"
    csv = "csv"


class RegisterFormat(StrEnum):
    json = "json"
    csv = "csv"
    pdf = "pdf"


def _alternatives(model: Any, *media: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "model": model,
            "description": "JSON, or as `format` asks",
            "content": {kind: {"schema": {"type": "string"}} for kind in media},
        },
        **PROBLEMS(401, 429, 403, 404, 422),
    }


@router.get("/reports", response_model=ReportView, responses=_alternatives(ReportView, CSV))
async def get_report(
    start: Start,
    end: End,
    caller: CallerDep,
    services: ServicesDep,
    agency: Agency = None,
    by: GroupBy = GroupBy.agency,
    format: TableFormat = TableFormat.json,
) -> Response:
    """Dossiers received, finished and in progress, on time or late, and the 766 indicators,
    one row per agency, unit or procedure."""
    found = reports.report(services, caller, start, end, agency, by)
    if format == TableFormat.csv:
        return Response(to_csv(Report.model_validate(found.model_dump())), media_type=CSV)
    return JSONResponse(found.model_dump(mode="json"))


@router.get(
    "/register", response_model=DossierRegister, responses=_alternatives(DossierRegister, CSV, PDF)
)
async def get_register(
    start: Start,
    end: End,
    caller: CallerDep,
    services: ServicesDep,
    agency: Agency = None,
    format: RegisterFormat = RegisterFormat.json,
) -> Response:
    """Every dossier the agency received in the period, one line each (form 06)."""
    found = reports.dossier_register(services, caller, agency, start, end)
    if format == RegisterFormat.pdf:
        return Response(reports.register_pdf(found), media_type=PDF)
    if format == RegisterFormat.csv:
        return Response(register_csv(found.lines), media_type=CSV)
    return JSONResponse(found.model_dump(mode="json"))
