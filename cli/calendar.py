"""`hoso calendar`: the non-working days of a year, and the due date of a dossier."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cli import render
from config import get_settings
from models.calendar import VIETNAM, CalendarRangeError
from support.calendars import WEEKDAYS, calendar_file, calendar_for, resolve_calendar
from support.errors import CatalogueError

app = typer.Typer(help="Working days (ngày làm việc) as the law counts them.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]
OFFICE_OPEN = time(8, 0)


@app.command("show")
def show(
    year: Annotated[int, typer.Argument(min=1995, max=2100)], as_json: JsonOption = False
) -> None:
    """The year's public holidays and announced days off, and the weekend days worked."""
    try:
        calendar = resolve_calendar(year, year, calendar_file(get_settings()))
    except CatalogueError as exc:
        _fail(*exc.problems)
    if as_json:
        render.print_json(calendar.model_dump(mode="json"))
        return
    table = Table("date", "weekday", "name", title=f"non-working days {year}")
    for holiday in calendar.holidays:
        table.add_row(
            holiday.day.isoformat(), WEEKDAYS[holiday.day.weekday()], escape(holiday.name)
        )
    render.console.print(table)
    for day in calendar.working_weekends:
        render.info(f"{day.isoformat()} ({WEEKDAYS[day.weekday()]}) is a working day (làm bù)")


@app.command("due")
def due(
    start: Annotated[str, typer.Argument(metavar="FROM", help="received at: ISO date or datetime")],
    days: Annotated[int, typer.Argument(min=0, max=365, help="working days")],
    as_json: JsonOption = False,
) -> None:
    """The due date of a dossier received at FROM with a limit of DAYS working days.

    The day of receipt does not count; after 15:00 (Vietnam time) the count starts on the next
    working day. A bare date means received during office hours; a time without an offset is
    Vietnam time.
    """
    received = _parse(start)
    try:
        calendar = calendar_for(received, get_settings())
        receipt_day = calendar.receipt_day(received)
        due_date = calendar.due_date(received, days)
        if not calendar.covers(due_date):
            raise CalendarRangeError(
                f"{due_date.isoformat()} is outside the calendar "
                f"({calendar.first_year}-{calendar.last_year}): holidays there are not known yet"
            )
    except CatalogueError as exc:
        _fail(*exc.problems)
    except CalendarRangeError as exc:
        _fail(str(exc))
    if as_json:
        render.print_json(
            {
                "received_at": received.isoformat(),
                "receipt_day": receipt_day.isoformat(),
                "working_days": days,
                "due_date": due_date.isoformat(),
            }
        )
        return
    render.info(
        f"due {due_date.isoformat()} ({WEEKDAYS[due_date.weekday()]}): {days} working days "
        f"counted after {receipt_day.isoformat()}, the day of receipt"
    )


def _parse(text: str) -> datetime:
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), OFFICE_OPEN, VIETNAM)
        value = datetime.fromisoformat(text)
    except ValueError:
        _fail(
            f"FROM '{text}': expected an ISO date or datetime, e.g. 2026-02-12 or 2026-02-12T16:30"
        )
    return value if value.tzinfo else value.replace(tzinfo=VIETNAM)


def _fail(*problems: str) -> None:
    for problem in problems:
        render.error(problem)
    raise typer.Exit(1)


async def push(
    officer: Annotated[str, typer.Option("--as", help="the operator pushing the calendar")],
    as_json: JsonOption = False,
) -> None:
    """Give every open dossier the calendar as now announced (e.g. a new compensatory day off).

    Each dossier records the change in its history and counts its dates anew with it.
    """
    from cli.context import open_context, signer
    from models.actions import CalendarChange
    from support.client import connect
    from support.credentials import ActionUnanswered, send_and_read
    from support.open_dossiers import open_dossiers
    from workflows.dossier import DossierWorkflow

    ctx = open_context()
    credential = signer(ctx, officer)
    calendar = calendar_for(datetime.now(VIETNAM), ctx.settings)
    client = await connect(ctx.settings)
    change = CalendarChange(officer=credential.officer, calendar=calendar)
    moved: list[dict[str, str]] = []
    async for code in open_dossiers(client, ctx.settings.task_queue):
        handle = client.get_workflow_handle_for(DossierWorkflow.run, code)
        try:
            state = await send_and_read(
                handle,
                DossierWorkflow.change_calendar,
                change,
                credential,
                wait=ctx.settings.action_wait_seconds,
            )
        except ActionUnanswered:
            moved.append({"code": code, "change": "not reached: no worker answered"})
            continue
        moved.append({"code": state.code, "change": state.actions[-1].comment})
    if as_json:
        render.print_json(moved)
        return
    for row in moved:
        render.info(f"{row['code']}: {row['change']}")
    render.info(
        f"calendar {calendar.first_year}-{calendar.last_year} pushed to {len(moved)} open dossiers"
    )


def _register_push() -> None:
    from cli.context import command

    app.command("push")(command(push))


_register_push()
