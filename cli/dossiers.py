"""Commands on dossiers: submit, the officers' and applicant's actions, delivery confirmation."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from temporalio.client import Client, WorkflowHandle

from cli import render
from cli.context import CommandError, Context, command, open_context, parse_docs, signer
from models.actions import (
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    Supplement,
    Withdrawal,
)
from models.dossier import ReceptionChannel
from models.procedure import Procedure
from models.state import DossierState
from models.tables import ProcedureRecord
from support.catalogue import get_officer
from support.client import connect
from support.credentials import Credential, send
from support.errors import CatalogueError
from support.intake import check_submission, store_documents, submit_checked
from workflows.dossier import DossierWorkflow

JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]
OfficerOpt = Annotated[
    str, typer.Option("--as", help="your officer id; your token (HOSO_TOKEN_FILE) must be theirs")
]
DocsOpt = Annotated[
    list[str] | None, typer.Option("--doc", help="KIND=PATH, repeatable", show_default=False)
]


async def submit(
    file: Annotated[Path, typer.Argument(help="dossier file (YAML or JSON)")],
    via: Annotated[
        ReceptionChannel | None,
        typer.Option(
            "--via", help="how it was received (default: the file's received_via, or online)"
        ),
    ] = None,
    received_by: Annotated[
        str | None,
        typer.Option("--received-by", help="--via counter: the one-stop officer who received it"),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Submit a dossier file: validate it, store its documents, start the dossier."""
    ctx = open_context()
    # Every check first, so a refused file leaves nothing behind and needs no server.
    checked = check_submission(
        file,
        settings=ctx.settings,
        sessions=ctx.sessions,
        received_via=via,
        received_by=received_by,
    )
    client = await connect(ctx.settings)
    result = await submit_checked(
        checked, settings=ctx.settings, client=client, sessions=ctx.sessions, store=ctx.store
    )
    if as_json:
        render.print_json(result.model_dump(mode="json"))
    elif result.duplicate:
        render.info(f"already submitted as {result.code}")
    else:
        render.success(result.code)


def _handle(client: Client, code: str):  # type: ignore[no-untyped-def]
    return client.get_workflow_handle_for(DossierWorkflow.run, code)


def _show(state: DossierState) -> None:
    where = f" at {state.stage}" if state.stage else ""
    render.success(f"{state.code}: {state.status.value}{where}")


def _procedure_of(ctx: Context, state: DossierState) -> Procedure:
    """The procedure version the dossier was submitted under, from the catalogue."""
    with ctx.sessions() as session:
        record = session.get(ProcedureRecord, (state.procedure_code, state.procedure_version))
    if record is None:
        raise CommandError(
            f"procedure {state.procedure_code} v{state.procedure_version} is not in the catalogue"
        )
    return Procedure.model_validate({**record.body, "version": record.version})


async def act(
    code: Annotated[str, typer.Argument(help="dossier code")],
    action: Annotated[str, typer.Argument(help="accept, approve, return, concur, …")],
    officer: OfficerOpt,
    comment: Annotated[str, typer.Option(help="comment or reasons")] = "",
    to: Annotated[str | None, typer.Option("--to", help="target stage of a return")] = None,
    missing: Annotated[
        list[str] | None, typer.Option("--missing", help="missing item, repeatable")
    ] = None,
    doc: DocsOpt = None,
    new_date: Annotated[
        datetime | None,
        typer.Option("--new-date", formats=["%Y-%m-%d"], help="apologize: the new due date"),
    ] = None,
    member: Annotated[
        list[str] | None, typer.Option("--member", help="convene: a council member, repeatable")
    ] = None,
    expert: Annotated[
        list[str] | None,
        typer.Option("--expert", help="convene: a council member who is an expert, repeatable"),
    ] = None,
    chair: Annotated[
        str | None, typer.Option("--chair", help="convene: the council's chair (a member)")
    ] = None,
) -> None:
    """Act on the dossier's current stage as an officer of the registry."""
    ctx = open_context()
    credential = signer(ctx, officer)
    council = _council(ctx, action, member or [], expert or [], chair)
    documents = store_documents(
        parse_docs(doc), Path.cwd(), None, store=ctx.store, settings=ctx.settings
    )
    request = OfficerAction.model_validate(
        {
            "officer": credential.officer,
            "action": action,
            "comment": comment,
            "to_stage": to,
            "missing": missing or [],
            "documents": documents,
            "new_due_date": new_date.date() if new_date else None,
            "council": council,
        }
    )
    client = await connect(ctx.settings)
    await _send(ctx, _handle(client, code), DossierWorkflow.act, request, credential)


def _council(
    ctx: Context, action: str, members: list[str], experts: list[str], chair: str | None
) -> dict[str, Any] | None:
    """The council a `convene` names, each member an active officer of the registry (checked
    here, at the edge: the dossier checks who may convene and the stage's rules)."""
    if action != "convene":
        if members or experts or chair:
            raise CommandError("--member, --expert and --chair name a council: 'convene' only")
        return None
    if chair is None or not members + experts:
        raise CommandError("'convene' needs the council: --member/--expert for each, and --chair")
    with ctx.sessions() as session:
        for officer_id in [*members, *experts]:
            try:
                get_officer(session, officer_id)
            except CatalogueError as exc:
                raise CommandError(f"council member: {exc}") from None
    named = [{"id": i, "expert": False} for i in members] + [
        {"id": i, "expert": True} for i in experts
    ]
    return {"chair": chair, "members": named}


async def supplement(
    code: Annotated[str, typer.Argument(help="dossier code")],
    officer: Annotated[
        str, typer.Option("--as", help="the one-stop officer (or portal account) receiving it")
    ],
    doc: DocsOpt = None,
    note: Annotated[str, typer.Option(help="the applicant's note")] = "",
) -> None:
    """Record the applicant's supplement to a dossier that waits for it (bổ sung hồ sơ)."""
    ctx = open_context()
    credential = signer(ctx, officer)
    client = await connect(ctx.settings)
    handle = _handle(client, code)
    documents = []
    if doc:
        procedure = _procedure_of(ctx, await handle.query(DossierWorkflow.state))
        documents = store_documents(
            parse_docs(doc), Path.cwd(), procedure, store=ctx.store, settings=ctx.settings
        )
    request = Supplement(officer=credential.officer, documents=documents, note=note)
    await _send(ctx, handle, DossierWorkflow.supplement, request, credential)


async def withdraw(
    code: Annotated[str, typer.Argument(help="dossier code")],
    officer: Annotated[
        str, typer.Option("--as", help="the one-stop officer (or portal account) receiving it")
    ],
    reason: Annotated[str, typer.Option(help="why the applicant withdraws")] = "",
) -> None:
    """Record the applicant's request to withdraw a dossier."""
    ctx = open_context()
    credential = signer(ctx, officer)
    client = await connect(ctx.settings)
    request = Withdrawal(officer=credential.officer, reason=reason)
    await _send(ctx, _handle(client, code), DossierWorkflow.withdraw, request, credential)


async def cancel(
    code: Annotated[str, typer.Argument(help="dossier code")],
    reason: Annotated[str, typer.Option(help="why the dossier is cancelled")],
    officer: OfficerOpt,
) -> None:
    """Cancel a dossier (operators only), with a reason."""
    ctx = open_context()
    credential = signer(ctx, officer)
    request = Cancellation(officer=credential.officer, reason=reason)
    client = await connect(ctx.settings)
    await _send(ctx, _handle(client, code), DossierWorkflow.cancel, request, credential)


async def deliver(
    code: Annotated[str, typer.Argument(help="dossier code")],
    officer: OfficerOpt,
    note: Annotated[str, typer.Option(help="e.g. the post's delivery proof")] = "",
) -> None:
    """Confirm the result was delivered by post or collected at the counter."""
    ctx = open_context()
    credential = signer(ctx, officer)
    request = DeliveryConfirmation(officer=credential.officer, note=note)
    client = await connect(ctx.settings)
    handle = _handle(client, code)
    await _send(ctx, handle, DossierWorkflow.confirm_delivery, request, credential)


async def _send(
    ctx: Context,
    handle: WorkflowHandle[Any, Any],
    update: Any,
    request: Any,
    credential: Credential,
) -> None:
    """Sends the signed action, waiting for the dossier's answer at most HOSO_ACTION_WAIT_SECONDS,
    and shows the dossier it leaves."""
    _show(await send(handle, update, request, credential, wait=ctx.settings.action_wait_seconds))


def register(app: typer.Typer) -> None:
    for fn in (submit, act, supplement, withdraw, cancel, deliver):
        app.command(fn.__name__)(command(fn))
