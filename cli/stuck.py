"""`hoso stuck` and `hoso unstick`: dossiers whose workflow task keeps failing, and the operator's
reset (support/stuck_dossiers.py finds them, support/dossier_reset.py mends them). `stuck` asks
the API; `unstick` runs beside the machine (it rewrites a workflow's history and the projection)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import render
from cli.api_client import api_client
from cli.context import CommandError, command, open_context, signer
from models.officer import OPERATOR_ROLE
from operations.stuck import StuckDossier
from support.client import connect
from support.dossier_reset import reset_dossier, workers_polling
from support.stuck_dossiers import TIMED_OUT, stuck_task


async def stuck(
    officer: Annotated[
        str | None, typer.Option("--as", help="the operator (default: the token's)")
    ] = None,
) -> None:
    """List the running dossiers whose workflow task keeps failing, with the reset that would
    mend each (`hoso unstick`). Through the API, operators only."""
    async with api_client(officer) as api:
        found = [StuckDossier.model_validate(item) for item in await api.get("/api/v1/stuck")]
    if not found:
        render.success("no dossier's workflow task is failing")
        return
    for task in found:
        render.console.print(_described(task), highlight=False, markup=False, soft_wrap=True)
    render.info("`hoso unstick CODE --as OPERATOR --reason …` resets one, after reading its cause")


async def unstick(
    code: Annotated[str, typer.Argument(help="dossier code")],
    officer: Annotated[str, typer.Option("--as", help="the operator resetting the dossier")],
    reason: Annotated[str, typer.Option(help="why (kept in the dossier's history)")],
) -> None:
    """Reset a stuck dossier to where its history still replays, re-send the officers' actions
    applied since, one at a time, and rewrite its projection from the new run."""
    ctx = open_context()
    operator = signer(ctx, officer)
    if operator.officer.role != OPERATOR_ROLE:
        raise CommandError(f"only an operator may reset a dossier; {officer} is not one")
    if not reason.strip():
        raise CommandError("--reason must say why the dossier is reset")
    client = await connect(ctx.settings)
    task = await stuck_task(client, code)
    if task is None:
        raise CommandError(f"{code}: its workflow task is not failing; nothing to reset")
    if not task.reset_point:
        raise CommandError(f"{code}: no workflow task of it completed yet; nothing to reset to")
    if task.cause == TIMED_OUT:
        raise CommandError(
            f"{code}: its workflow task times out, no worker completes it: start the workers"
            " (`hoso worker`); a reset would not help"
        )
    if not await workers_polling(client, ctx.settings.task_queue):
        raise CommandError(
            f"no worker polls the task queue {ctx.settings.task_queue}: start the workers first"
            " (the actions re-sent after the reset need one)"
        )
    # The reset goes into the dossier's own record, signed by the operator, before the actions
    # are re-sent: the record is the agency's evidence, and it names the actions the dossier
    # admits although their officers signed them before (a signature lasts minutes).
    note = f"reset to event {task.reset_point}: {reason}; {len(task.actions)} action(s) re-sent"
    done = await reset_dossier(
        client,
        ctx.sessions,
        ctx.store,
        task,
        reason=f"hoso unstick by {operator.officer.id}: {reason}",
        identity=f"hoso unstick {officer}",
        wait=ctx.settings.action_wait_seconds,
        operator=operator,
        note=note,
    )
    render.success(f"{code}: reset to event {done.reset_point}; new run {done.run_id}")
    for resent in done.resent:
        outcome = "applied" if resent.applied else resent.detail
        render.info(f"  re-sent {resent.name} ({resent.update_id}): {outcome}")
    render.info(f"  recorded in the dossier's record: {note}")
    render.info(
        "Actions re-sent were applied now, at their new time; forms issued after the reset point"
        " were issued again (the earlier ones stay on file); the projection follows the new run."
    )


def _described(task: StuckDossier) -> str:
    if task.ended:
        return (
            f"{task.code}: Temporal {task.ended.replace('_', ' ')} its workflow {task.cause}\n"
            "  it takes no action and keeps no deadline: no reset mends it"
        )
    failing = f"{task.code}: workflow task failed {task.attempt} times: {task.cause}"
    if not task.reset_point:
        return f"{failing}\n  none of its workflow tasks completed yet: nothing to reset to"
    history = (
        "its history replays whole"
        if task.replays
        else f"its history replays up to the task completed at event {task.reset_point}"
    )
    actions = task.actions
    return (
        f"{failing}\n"
        f"  {history}; a reset to event {task.reset_point} re-sends"
        f" {actions} officer action{'' if actions == 1 else 's'}"
    )


def register(app: typer.Typer) -> None:
    app.command("stuck")(command(stuck))
    app.command("unstick")(command(unstick))
