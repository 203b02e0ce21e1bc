"""The catalogue for operators: every procedure, and each one's chain drawn as a diagram (stages
as boxes with their names, the roles and units that hold them, their working days; the agencies
a consultation asks)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import Response

from api.pages.drawings import chain_diagram, stage_boxes
from api.pages.form_fields import page_router
from api.pages.guard import OfficerDep, services_of
from api.pages.i18n import ROLES, language, translator
from api.pages.names import CatalogueNames, catalogue_names
from api.pages.operator_guard import is_operator, refused
from api.pages.rendering import render
from models.procedure import Procedure
from operations import catalogue
from operations.errors import NotFound

router = page_router()
Code = Annotated[str, Path(pattern=r"^[0-9]{1,3}(\.[0-9]{1,9}){1,3}$")]
NO_PROCEDURE = "Không có thủ tục này trong danh mục."


@router.get("/operations/catalogue")
async def catalogue_page(request: Request, signed: OfficerDep) -> Response:
    if not is_operator(signed):
        return refused(request, signed)
    services = services_of(request)
    found = await asyncio.to_thread(catalogue.procedures, services.sessions)
    context = {
        "officer": signed.caller.officer,
        "names": catalogue_names(services.sessions),
        "procedures": found,
    }
    return render(request, "catalogue.html", context, cookie=signed.cookie)


def _diagram(request: Request, procedure: Procedure, names: CatalogueNames) -> object:
    gettext = translator(language(request.headers.get("accept-language")))
    agency = procedure.agency
    boxes = stage_boxes(
        procedure,
        stage_name=lambda stage: names.stage(procedure.code, stage),
        holder=lambda role, unit: f"{gettext(ROLES.get(role, role))} · {names.unit(agency, unit)}",
        agency=lambda consulted: names.agency(consulted),
        days=lambda n: gettext("%(n)s ngày làm việc", n=n),
    )
    title = gettext("Quy trình xử lý của thủ tục %(code)s", code=procedure.code)
    return chain_diagram("chain", title, boxes)


@router.get("/operations/catalogue/{code}")
async def procedure_page(request: Request, code: Code, signed: OfficerDep) -> Response:
    if not is_operator(signed):
        return refused(request, signed)
    services = services_of(request)
    names = catalogue_names(services.sessions)
    try:
        found = await asyncio.to_thread(catalogue.procedure, services.sessions, code)
    except NotFound:
        context = {"officer": signed.caller.officer, "message": NO_PROCEDURE}
        return render(request, "error.html", context, status=404, cookie=signed.cookie)
    context = {
        "officer": signed.caller.officer,
        "names": names,
        "procedure": found,
        "diagram": _diagram(request, found, names),
    }
    return render(request, "procedure.html", context, cookie=signed.cookie)
