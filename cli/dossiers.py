"""Commands on dossiers, as clients of the API: submit, the officers' and applicant's actions,
delivery confirmation. Each action is signed here, on the officer's machine, for the stage the
dossier is at, and posted; the dossier itself checks it."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel

from cli import render
from cli.api_client import ApiClient, ApiError, api_client
from cli.context import CommandError, command
from models.actions import (
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    Supplement,
    Withdrawal,
)
from models.dossier import ReceptionChannel
from support.document_checks import locate_document
from support.errors import IntakeError, shown
from support.intake import DossierFile, read_dossier_file

JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]
OfficerOpt = Annotated[
    str, typer.Option("--as", help="your officer id; your token (HOSO_TOKEN_FILE) must be theirs")
]
DOSSIERS = "/api/v1/dossiers"


def _uploads(dossier: DossierFile, folder: Path, source: str) -> tuple[DossierFile, list[Path]]:
    """The dossier with each document named by its upload's file name, and the files to send
    (each inside the dossier file's folder, as a dossier file's documents always are)."""
    entries, paths, names = [], [], set()
    for index, entry in enumerate(dossier.documents):
        try:
            path = locate_document(folder.resolve(), entry.path)
        except IntakeError as exc:
            raise IntakeError(
                f"{source}: documents.{index} ({shown(entry.kind, 63)}): {exc}"
            ) from None
        name = path.name if path.name not in names else f"{index}-{path.name}"
        names.add(name)
        entries.append(entry.model_copy(update={"path": name}))
        paths.append(path)
    return dossier.model_copy(update={"documents": entries}), paths


async def submit(
    file: Annotated[Path, typer.Argument(help="dossier file (YAML or JSON)")],
    via: Annotated[
        ReceptionChannel | None,
        typer.Option("--via", help="post: received by post (else as the receiver's role says)"),
    ] = None,
    received_by: Annotated[
        str | None,
        typer.Option("--received-by", help="--via counter: the one-stop officer who received it"),
    ] = None,
    officer: Annotated[
        str | None,
        typer.Option("--as", help="the receiving officer or portal account (default: the token's)"),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Submit a dossier file through the API: its documents uploaded, the dossier started, its
    code and (the first time) the applicant's lookup secret printed."""
    dossier = read_dossier_file(file)
    changes: dict[str, Any] = {"received_via": via} if via else {}
    if received_by:
        changes["received_by"] = received_by
    dossier, paths = _uploads(dossier.model_copy(update=changes), file.parent, shown(str(file)))
    async with api_client(officer or received_by or dossier.received_by) as api:
        with ExitStack() as files:
            parts = [
                ("documents", (entry.path, files.enter_context(path.open("rb"))))
                for entry, path in zip(dossier.documents, paths, strict=True)
            ]
            response = await api.request(
                "POST",
                DOSSIERS,
                data={"dossier": dossier.model_dump_json(exclude_none=True)},
                files=parts,
            )
    receipt = response.json()
    if as_json:
        render.print_json(receipt)
    elif receipt["duplicate"]:
        render.info(f"already submitted as {receipt['code']}")
    else:
        render.success(receipt["code"])
        # stdout stays the code (for scripts); the applicant's secret is said once, beside it
        render.warning(f"lookup secret (print it on the receipt): {receipt['lookup_secret']}")


def _show(view: dict[str, Any]) -> None:
    where = f" at {view['stage']}" if view.get("stage") else ""
    render.success(f"{view['code']}: {view['status']}{where}")


async def _send(api: ApiClient, code: str, endpoint: str, update: str, item: BaseModel) -> None:
    """Signs `item` for the stage the dossier is at now (its status, as the API tells it), posts
    it, and shows where the dossier is left."""
    view = await api.get(f"{DOSSIERS}/{code}")
    signed = api.credential.sign(item, dossier=code, stage=view["stage"], update=update)
    try:
        _show(await api.post(f"{DOSSIERS}/{code}/{endpoint}", signed.model_dump(mode="json")))
    except ApiError as exc:
        if exc.kind in ("action-refused", "stage-moved-on"):
            raise CommandError(f"rejected: {exc}") from None
        raise


def _council(members: list[str], experts: list[str], chair: str | None) -> dict[str, Any]:
    if chair is None or not members + experts:
        raise CommandError("'convene' needs the council: --member/--expert for each, and --chair")
    named = [{"id": i, "expert": False} for i in members] + [
        {"id": i, "expert": True} for i in experts
    ]
    return {"chair": chair, "members": named}


async def act(
    code: Annotated[str, typer.Argument(help="dossier code")],
    action: Annotated[str, typer.Argument(help="accept, approve, return, concur, …")],
    officer: OfficerOpt,
    comment: Annotated[str, typer.Option(help="comment or reasons")] = "",
    to: Annotated[str | None, typer.Option("--to", help="target stage of a return")] = None,
    missing: Annotated[
        list[str] | None, typer.Option("--missing", help="missing item, repeatable")
    ] = None,
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
    named = member or expert or chair
    if action != "convene" and named:
        raise CommandError("--member, --expert and --chair name a council: 'convene' only")
    council = _council(member or [], expert or [], chair) if action == "convene" else None
    async with api_client(officer) as api:
        request = OfficerAction.model_validate(
            {
                "officer": api.credential.officer,
                "action": action,
                "comment": comment,
                "to_stage": to,
                "missing": missing or [],
                "new_due_date": new_date.date() if new_date else None,
                "council": council,
            }
        )
        await _send(api, code, "actions", "act", request)


async def supplement(
    code: Annotated[str, typer.Argument(help="dossier code")],
    officer: Annotated[
        str, typer.Option("--as", help="the one-stop officer (or portal account) receiving it")
    ],
    note: Annotated[str, typer.Option(help="the applicant's note")] = "",
) -> None:
    """Record the applicant's supplement to a dossier that waits for it (bổ sung hồ sơ)."""
    async with api_client(officer) as api:
        request = Supplement(officer=api.credential.officer, note=note)
        await _send(api, code, "supplement", "supplement", request)


async def withdraw(
    code: Annotated[str, typer.Argument(help="dossier code")],
    officer: Annotated[
        str, typer.Option("--as", help="the one-stop officer (or portal account) receiving it")
    ],
    reason: Annotated[str, typer.Option(help="why the applicant withdraws")] = "",
) -> None:
    """Record the applicant's request to withdraw a dossier."""
    async with api_client(officer) as api:
        request = Withdrawal(officer=api.credential.officer, reason=reason)
        await _send(api, code, "withdraw", "withdraw", request)


async def cancel(
    code: Annotated[str, typer.Argument(help="dossier code")],
    reason: Annotated[str, typer.Option(help="why the dossier is cancelled")],
    officer: OfficerOpt,
) -> None:
    """Cancel a dossier (operators only), with a reason."""
    async with api_client(officer) as api:
        request = Cancellation(officer=api.credential.officer, reason=reason)
        await _send(api, code, "cancel", "cancel", request)


async def deliver(
    code: Annotated[str, typer.Argument(help="dossier code")],
    officer: OfficerOpt,
    note: Annotated[str, typer.Option(help="e.g. the post's delivery proof")] = "",
) -> None:
    """Confirm the result was delivered by post or collected at the counter."""
    async with api_client(officer) as api:
        request = DeliveryConfirmation(officer=api.credential.officer, note=note)
        await _send(api, code, "deliver", "confirm_delivery", request)


def register(app: typer.Typer) -> None:
    for fn in (submit, act, supplement, withdraw, cancel, deliver):
        app.command(fn.__name__)(command(fn))
