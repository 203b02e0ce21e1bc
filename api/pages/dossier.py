"""A dossier's page for the officers who may read it: applicant, documents, forms, timeline in
domain words, due date and time used; and its forms as PDF."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Path, Request
from fastapi.responses import JSONResponse, Response

from api.forms import file_response
from api.pages.action_words import date_problem_text, field_problem
from api.pages.form_fields import page_router
from api.pages.guard import CsrfDep, OfficerDep, services_of
from api.pages.i18n import language, translator
from api.pages.names import catalogue_names
from api.pages.operator_guard import is_operator
from api.pages.rendering import render
from api.pages.timeline_words import Words
from models.actions import DeliveryConfirmation, OfficerAction, Supplement, Withdrawal
from operations import forms
from operations.action_fields import apology_date, appointment, council_candidates
from operations.browser_actions import ActionFields, act_signed, choices, prepare, procedure_of
from operations.counter_actions import DeskChoices, desk_for
from operations.documents import document_entries
from operations.dossiers import DossierView, dossier_and_applicant, readable_state
from operations.errors import NotFound
from operations.services import Services
from operations.signin import WebCaller
from operations.timeline import dossier_timeline
from operations.unsticking import unstick_offered

router = page_router()
Code = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,40}-[0-9]{6}-[0-9]{4}$")]
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
SignedMessage = Annotated[str, Form(max_length=40000)]
"""A message the session's browser signed (operations/browser_actions.py), base64url."""
BrowserSignature = Annotated[str, Form(max_length=200)]
NOT_FOUND = "Không có hồ sơ này, hoặc bạn không được xem hồ sơ này."


@router.get("/dossiers/{code}")
async def dossier_page(request: Request, code: Code, signed: OfficerDep) -> Response:
    services = services_of(request)
    client = await services.client()
    try:
        view, applicant = await dossier_and_applicant(
            client, signed.caller, services.settings, services.sessions, code
        )
        entries = await dossier_timeline(client, signed.caller, services, code)
        panel = await choices(client, signed.caller, services, code) if signed.certificate else []
        state = await readable_state(client, signed.caller, services.settings, code)
        desk = desk_for(state, signed.caller, services) if signed.certificate else DeskChoices()
        files = document_entries(state, procedure_of(services, state), signed.caller)
    except NotFound:
        return render(
            request, "error.html", {"message": NOT_FOUND}, status=404, cookie=signed.cookie
        )
    context = {
        "officer": signed.caller.officer,
        "dossier": view,
        "applicant": applicant,
        "timeline": entries,
        "told": _words(request, services, view).told,
        "forms": forms.form_entries(view),
        "names": catalogue_names(services.sessions),
        "choices": panel,
        "desk": desk,
        "documents": files,
        "can_sign": signed.certificate is not None,
        "may_retry": _may_retry(signed, view),
        "may_unstick": _may_retry(signed, view) and await unstick_offered(client, code),
        "candidates": council_candidates(services, view.agency)
        if any(choice.needs_council for choice in panel)
        else [],
    }
    return render(request, "dossier.html", context, cookie=signed.cookie)


def _words(request: Request, services: Services, view: DossierView) -> Words:
    """The timeline told in the request's language with the catalogue's names."""
    gettext = translator(language(request.headers.get("accept-language")))
    names = catalogue_names(services.sessions)
    return Words(gettext, names, view.procedure_code, view.agency)


def _may_retry(signed: WebCaller, view: DossierView) -> bool:
    """An operator whose browser signs may have an open dossier's failing activities run again
    (the workflow checks the role again)."""
    return is_operator(signed) and signed.certificate is not None and view.closed_at is None


@router.get("/dossiers/{code}/forms/{sha256}")
async def dossier_form(
    request: Request, code: Code, sha256: Sha256, signed: OfficerDep
) -> Response:
    services = services_of(request)
    try:
        form = await forms.form_file(await services.client(), signed.caller, services, code, sha256)
    except NotFound:
        return render(
            request, "error.html", {"message": NOT_FOUND}, status=404, cookie=signed.cookie
        )
    response = file_response(form)
    response.headers["Content-Disposition"] = f'inline; filename="{form.file_name}"'
    return response


@router.post("/dossiers/{code}/actions/prepare", dependencies=[CsrfDep])
async def prepare_action(
    request: Request,
    code: Code,
    signed: OfficerDep,
    action: Annotated[str, Form(max_length=40)],
    comment: Annotated[str, Form(max_length=4000)] = "",
    missing: Annotated[str, Form(max_length=20000)] = "",
    to_stage: Annotated[str, Form(max_length=64)] = "",
    new_due_date: Annotated[str, Form(max_length=20)] = "",
    members: Annotated[list[str] | None, Form()] = None,
    chair: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """What the browser is to sign (JSON); refusals are problem details, as the API's, and a
    field's own problem names the field (`field`) with its words for the page."""
    services = services_of(request)
    client = await services.client()
    fields = ActionFields(to_stage=to_stage if action == "return" else None)
    if action == "apologize":
        day, problem = await apology_date(client, signed.caller, services, code, new_due_date)
        if problem is not None:
            return field_problem(request, "new_due_date", date_problem_text(request, problem))
        fields.new_due_date = day
    if action == "convene":
        fields.council = appointment(services, members or [], chair)
    prepared = await prepare(
        client,
        signed.caller,
        services,
        code,
        action=action,
        comment=comment,
        missing=missing.splitlines(),
        fields=fields,
    )
    return JSONResponse(prepared.model_dump(), headers={"Cache-Control": "no-store"})


@router.post("/dossiers/{code}/actions", dependencies=[CsrfDep])
async def signed_action(
    request: Request,
    code: Code,
    signed: OfficerDep,
    message: SignedMessage,
    signature: BrowserSignature,
) -> Response:
    """The action the browser signed, to the dossier; the answer is the dossier's new state."""
    return await send_signed(request, signed, code, message, signature)


async def send_signed(
    request: Request,
    signed: WebCaller,
    code: str,
    message: str,
    signature: str,
    kind: type[OfficerAction | Supplement | Withdrawal | DeliveryConfirmation] = OfficerAction,
) -> Response:
    """A message the session's browser signed (an action, a supplement, a withdrawal, a
    delivery), to the dossier; the answer is its new status and stage."""
    services = services_of(request)
    view = await act_signed(
        await services.client(),
        signed.caller,
        signed.certificate,
        services,
        code,
        message=message,
        signature=signature,
        kind=kind,
    )
    return JSONResponse(
        {"status": view.status.value, "stage": view.stage}, headers={"Cache-Control": "no-store"}
    )
