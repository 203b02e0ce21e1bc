"""Commands on dossiers, as clients of the API: submit, the officers' and applicant's actions,
delivery confirmation. Each action is signed here, on the officer's machine, for the stage the
dossier is at, and posted; the dossier itself checks it."""

from __future__ import annotations

import json
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from pydantic import BaseModel

from cli import render
from cli.api_client import ApiClient, ApiError, api_client
from cli.context import CommandError, command, parse_docs
from cli.remembered_stages import RememberedStages, cache_folder
from config import get_settings
from models.actions import (
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    Supplement,
    Withdrawal,
)
from models.dossier import DocumentRef, ReceptionChannel
from support.document_checks import locate_document
from support.errors import IntakeError, shown
from support.intake import DocumentEntry, read_dossier_file

JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]
OfficerOpt = Annotated[
    str, typer.Option("--as", help="your officer id; your token (HOSO_TOKEN_FILE) must be theirs")
]
DocsOpt = Annotated[
    list[str] | None, typer.Option("--doc", help="KIND=PATH, repeatable", show_default=False)
]
DOSSIERS = "/api/v1/dossiers"


def _located(
    entries: list[DocumentEntry], folder: Path, source: str
) -> tuple[list[DocumentEntry], list[Path]]:
    """The entries each named by its upload's file name, and the files to send (each inside
    `folder`: a dossier file's, or the officer's working folder for `--doc`)."""
    named, paths, names = [], [], set()
    for index, entry in enumerate(entries):
        try:
            path = locate_document(folder.resolve(), entry.path)
        except IntakeError as exc:
            raise IntakeError(
                f"{source}: documents.{index} ({shown(entry.kind, 63)}): {exc}"
            ) from None
        name = path.name if path.name not in names else f"{index}-{path.name}"
        names.add(name)
        named.append(entry.model_copy(update={"path": name}))
        paths.append(path)
    return named, paths


async def _post_files(
    api: ApiClient,
    path: str,
    fields: dict[str, str],
    entries: list[DocumentEntry],
    files: list[Path],
) -> httpx.Response:
    """A multipart request: `fields`, and the files streamed from disk under their entries'
    names."""
    with ExitStack() as opened:
        parts = [
            ("documents", (entry.path, opened.enter_context(file.open("rb"))))
            for entry, file in zip(entries, files, strict=True)
        ]
        return await api.request("POST", path, data=fields, files=parts)


async def _documents(
    api: ApiClient, code: str, to: str, docs: list[str] | None
) -> list[DocumentRef]:
    """The `--doc KIND=PATH` files uploaded for the action (`to`: actions or supplement), as the
    references the signed action names."""
    pairs = parse_docs(docs)
    if not pairs:
        return []
    # the API checks each kind (and says which is wrong, by its pointer)
    entries = [DocumentEntry.model_construct(kind=kind, path=path) for kind, path in pairs]
    entries, files = _located(entries, Path.cwd(), "--doc")
    kinds = json.dumps([entry.model_dump() for entry in entries])
    where = f"{DOSSIERS}/{code}/{to}/documents"
    response = await _post_files(api, where, {"kinds": kinds}, entries, files)
    return [DocumentRef.model_validate(item) for item in response.json()]


async def submit(
    file: Annotated[Path, typer.Argument(help="dossier file (YAML or JSON)")],
    via: Annotated[
        ReceptionChannel | None,
        typer.Option(
            "--via",
            help="online, counter or post (else the file's, else as the account says: a portal"
            " online, a one-stop officer at the counter)",
        ),
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
    entries, paths = _located(list(dossier.documents), file.parent, shown(str(file)))
    dossier = dossier.model_copy(update={"documents": entries})
    async with api_client(officer or received_by or dossier.received_by) as api:
        response = await _post_files(
            api, DOSSIERS, {"dossier": dossier.model_dump_json(exclude_none=True)}, entries, paths
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


MINIMAL = {"Prefer": "return=minimal"}  # the action's receipt is all the CLI shows


async def _send(
    api: ApiClient,
    code: str,
    endpoint: str,
    update: str,
    item: BaseModel,
    told: str | None = None,
) -> None:
    """Signs `item` for the stage the officer names (`told`), else the one their last worklist
    showed (remembered on this machine), else the one the dossier's record says; posts it, and
    shows where the dossier is left. When the dossier is no longer there (409 `stage-moved-on`,
    naming where it is now), signs once more for that stage; a stage the officer named is never
    changed for them."""
    remembered = RememberedStages(cache_folder(get_settings()), api.credential.certificate.token_id)
    stage = told or remembered.stage(code) or (await api.get(f"{DOSSIERS}/{code}/stage"))["stage"]
    for attempt in (1, 2):
        signed = api.credential.sign(item, dossier=code, stage=stage, update=update)
        try:
            answer = await api.post(
                f"{DOSSIERS}/{code}/{endpoint}", signed.model_dump(mode="json"), MINIMAL
            )
        except ApiError as exc:
            moved = exc.kind == "stage-moved-on"
            if moved and told is None and attempt == 1 and exc.stage != stage:
                stage = exc.stage
                continue
            if moved:
                remembered.forget(code)
            if moved or exc.kind == "action-refused":
                raise CommandError(f"rejected: {exc}") from None
            raise
        remembered.forget(code)
        _show(answer)
        return


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
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage",
            help="the stage you act on, as your worklist shows it: signed for it without asking"
            " (refused if the dossier has left it)",
        ),
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
                "documents": await _documents(api, code, "actions", doc),
            }
        )
        await _send(api, code, "actions", "act", request, stage)


async def supplement(
    code: Annotated[str, typer.Argument(help="dossier code")],
    officer: Annotated[
        str, typer.Option("--as", help="the one-stop officer (or portal account) receiving it")
    ],
    doc: DocsOpt = None,
    note: Annotated[str, typer.Option(help="the applicant's note")] = "",
) -> None:
    """Record the applicant's supplement to a dossier that waits for it (bổ sung hồ sơ): its
    documents (`--doc`, of the procedure's kinds) uploaded, then named in the signed supplement."""
    async with api_client(officer) as api:
        documents = await _documents(api, code, "supplement", doc)
        request = Supplement(officer=api.credential.officer, documents=documents, note=note)
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
