"""Rendering for the CLI: one red line for errors, tables for lists, a panel for a dossier."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from models.calendar import VIETNAM
from models.state import Council, DossierState

if TYPE_CHECKING:
    from operations.dossiers import DossierView

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def error(message: str) -> None:
    """One clear line on stderr, no traceback."""
    err_console.print(f"[bold red]error:[/] {_escape(message)}", soft_wrap=True)


def warning(message: str) -> None:
    """A line on stderr that qualifies the answer (stdout stays the answer, JSON included)."""
    err_console.print(f"[yellow]{_escape(message)}[/]", soft_wrap=True)


def success(message: str) -> None:
    console.print(f"[green]{_escape(message)}[/]", soft_wrap=True)


def info(message: str) -> None:
    console.print(_escape(message), soft_wrap=True)


def print_json(data: Any) -> None:
    """Machine-readable output on stdout, without rich's markup or wrapping."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


def local_time(value: datetime | None) -> str:
    if value is None:
        return "-"
    return value.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M")


def day(value: date | datetime | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.astimezone(VIETNAM).date().isoformat()
    return value.isoformat()


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> Table:
    result = Table(title=title, header_style="bold", show_lines=False)
    for position, column in enumerate(columns):
        # The first column names the row (a dossier code, a procedure code): never broken.
        result.add_column(column, overflow="fold", no_wrap=position == 0)
    for row in rows:
        result.add_row(*(_escape(str(cell)) for cell in row))
    return result


def _council(council: Council) -> None:
    """The dossier's latest council: each member, their vote so far, and what it decided."""
    votes = {vote.member: vote for vote in council.votes}
    decided = council.outcome or f"voting, {len(council.votes)} of {len(council.members)}"
    rows = []
    for member in council.members:
        vote = votes.get(member)
        marks = [m for m, on in (("chair", member == council.chair),
                                 ("expert", member in council.experts)) if on]  # fmt: skip
        rows.append(
            [
                member + (f" ({', '.join(marks)})" if marks else ""),
                vote.verdict if vote else "-",
                vote.comment if vote else "",
                local_time(vote.at) if vote else "",
            ]
        )
    title = f"council at {council.stage} (convened by {council.convened_by}): {decided}"
    console.print(table(title, ["member", "vote", "comment", "at"], rows))


def _when_present(state: DossierState | DossierView) -> list[tuple[str, str]]:
    """The lines a dossier shows only when they say something."""
    lines = [
        ("awaiting", ", ".join(state.awaiting_agencies)),
        ("missing", "; ".join(state.missing)),
        ("outcome", state.outcome or ""),
        ("closed", local_time(state.closed_at) if state.closed_at else ""),
        ("failures", "; ".join(state.failures)),
        ("fee", _fee(state)),
    ]
    return [(name, value) for name, value in lines if value]


def _fee(state: DossierState | DossierView) -> str:
    """The fee paid through hoso: owed by when, or paid how and when."""
    payment = state.payment
    if payment is None:
        return ""
    text = f"{payment.amount:,} đồng ({payment.when})".replace(",", ".")
    if payment.paid_at is not None:
        text += f", paid {payment.channel} {local_time(payment.paid_at)}"
    elif payment.pay_by is not None:
        text += f", to pay by {local_time(payment.pay_by)}"
    return text + (", refund owed" if payment.refund_owed else "")


def dossier_state(
    state: DossierState | DossierView,
    last_actions: int = 8,
    timing: Sequence[tuple[str, str]] = (),
) -> None:
    """What an officer needs to see of one dossier."""
    stage = state.stage or "-"
    if state.stage_kind:
        stage += f" ({state.stage_kind})"
    assignee = "-"
    if state.stage_role:
        assignee = f"{state.stage_role} of {state.stage_unit}"
    fields = [
        ("dossier", state.code),
        ("status", state.status.value),
        ("procedure", f"{state.procedure_code} v{state.procedure_version} {state.procedure_name}"),
        ("agency", state.agency),
        ("stage", stage),
        ("assignee", assignee),
        ("submitted", local_time(state.submitted_at)),
        ("received", local_time(state.received_at)),
        ("due date", day(state.due_date)),
        ("stage due", local_time(state.stage_due_at)),
        (
            "delivery",
            state.delivery.value
            + (" (awaiting confirmation)" if state.awaiting_confirmation else ""),
        ),
    ]
    fields.extend(timing)
    fields.extend(_when_present(state))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for name, value in fields:
        grid.add_row(name, _escape(value))
    console.print(grid)
    if state.opinions:
        console.print(
            table(
                "opinions",
                ["agency", "opinion", "officer", "comment", "at"],
                (
                    [o.agency, o.opinion, o.officer or "-", o.comment, local_time(o.at)]
                    for o in state.opinions
                ),
            )
        )
    if state.councils:
        _council(state.councils[-1])
    if state.actions:
        console.print(
            table(
                "last actions",
                ["#", "at", "stage", "action", "by", "comment"],
                (
                    [
                        str(a.seq),
                        local_time(a.at),
                        a.stage or "-",
                        a.action + (f" → {a.to_stage}" if a.to_stage else ""),
                        a.actor,
                        a.comment,
                    ]
                    for a in state.actions[-last_actions:]
                ),
            )
        )
