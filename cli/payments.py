"""`hoso payments …`, a client of the API for operators: the attempts to pay dossiers' fees, the
gateway answers refused (forged, unknown, wrong amount), the open attempts asked of the gateway
now, and the refunds owed and made."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from cli import render
from cli.api_client import api_client
from cli.context import command
from models.payment import RefundStatement
from support.refund_statements import UPDATE as REFUND

app = typer.Typer(no_args_is_help=True)
OperatorOpt = Annotated[
    str | None, typer.Option("--as", help="the operator (default: the token's)")
]
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON")]


def _line(payment: dict[str, Any]) -> list[str]:
    refund = ""
    if payment["refund_made_at"]:
        refund = f"refunded by {payment['refund_made_by']}"
        if payment.get("refund_problem"):
            refund += f" — NOT AS SIGNED: {payment['refund_problem']}"
    elif payment["refund_owed"]:
        refund = "refund owed"
    return [
        render.local_time(datetime.fromisoformat(payment["created_at"])),
        payment["dossier_code"],
        payment["reference"],
        f"{payment['amount']:,}".replace(",", "."),
        payment["status"],
        payment["transaction_number"] or "",
        refund,
    ]


async def listing(
    dossier: Annotated[str | None, typer.Option(help="only this dossier's attempts")] = None,
    status: Annotated[str | None, typer.Option(help="open | paid | superseded | failed")] = None,
    refund_owed: Annotated[
        bool, typer.Option("--refund-owed", help="only the refunds owed, not made")
    ] = False,
    operator: OperatorOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """The attempts to pay of your scope's dossiers, newest first."""
    async with api_client(operator) as api:
        found = await api.get(
            "/api/v1/payments", dossier=dossier, status=status, refund_owed=refund_owed or None
        )
    if as_json:
        render.print_json(found)
        return
    columns = ["created", "dossier", "reference", "đồng", "status", "gateway no.", "refund"]
    render.console.print(render.table("payments", columns, map(_line, found)))


async def refusals(
    hours: Annotated[int, typer.Option(help="the last N hours")] = 24,
    operator: OperatorOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """The gateway answers (IPN) hoso refused: time, answer code, reference, reason."""
    async with api_client(operator) as api:
        found = await api.get("/api/v1/payments/refusals", hours=hours)
    if as_json:
        render.print_json(found)
        return
    if not found:
        render.success(f"no gateway answer refused in the last {hours} hours")
        return
    for refusal in found:
        render.console.print(
            f"{render.local_time(datetime.fromisoformat(refusal['at']))}  {refusal['answer']}"
            f"  {refusal['reference'] or '-'}  {refusal['dossier_code'] or '-'}:"
            f" {refusal['reason']}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


async def refund(
    reference: Annotated[str, typer.Argument(help="the paid attempt's reference")],
    note: Annotated[str, typer.Option(help="how it was paid back (the bank's reference)")],
    operator: OperatorOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Records that you paid back the fee of a dossier refused after it paid (once), signed with
    your token: the statement (the payment, its amount, your note) is kept with the row."""
    async with api_client(operator) as api:
        attempt = await api.get(f"/api/v1/payments/{reference}")
        statement = RefundStatement(reference=reference, amount=attempt["amount"], note=note)
        signed = api.credential.sign(
            statement, dossier=attempt["dossier_code"], stage=None, update=REFUND
        )
        found = await api.post(
            f"/api/v1/payments/{reference}/refund", signed.model_dump(mode="json")
        )
    if as_json:
        render.print_json(found)
        return
    render.success(
        f"refund of {found['amount']:,} đồng for dossier {found['dossier_code']} recorded".replace(
            ",", "."
        )
    )


async def reconcile(
    dossier: Annotated[str | None, typer.Option(help="only this dossier's open attempt")] = None,
    operator: OperatorOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Asks the gateway now about the open attempts of your scope (querydr): those it says paid
    reach their dossier as the IPN would have."""
    async with api_client(operator) as api:
        wanted = {"dossier": dossier} if dossier else {}
        found = (await api.request("POST", "/api/v1/payments/reconcile", params=wanted)).json()
    if as_json:
        render.print_json(found)
        return
    if not found:
        render.success("no open attempt to ask about")
        return
    columns = ["dossier", "reference", "outcome", "why"]
    lines = ([q["dossier_code"], q["reference"], q["outcome"], q["detail"]] for q in found)
    render.console.print(render.table("asked of the gateway", columns, lines))


app.command("list")(command(listing))
app.command("refusals")(command(refusals))
app.command("refund")(command(refund))
app.command("reconcile")(command(reconcile))


def register(root: typer.Typer) -> None:
    root.add_typer(
        app, name="payments", help="Fee payments: attempts, refusals, reconciliation, refunds."
    )
