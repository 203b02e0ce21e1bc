"""`hoso calendar`: the non-working days of a year, and the due date of a dossier."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cli import render
from config import get_settings
from models.calendar import VIETNAM, CalendarRangeError, WorkingCalendar
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


async def publish(
    path: Annotated[Path, typer.Argument(help="the calendar file: days_off, working_days")],
    officer: Annotated[
        str | None, typer.Option("--as", help="the administrator (default: the token's)")
    ] = None,
) -> None:
    """Publish the province's calendar changes (announced days off, swapped weekend days),
    signed as an administrator of a province-wide agency: new dossiers take it from now on;
    `hoso calendar push` gives it to the open ones."""
    from cli.api_client import api_client
    from models.publication import CALENDAR_SUBJECT, PublicationKind, calendar_hash
    from support.calendar_publications import changes_json
    from support.calendars import load_calendar_changes
    from support.publishers import OfficerPublisher

    changes = load_calendar_changes(path)
    async with api_client(officer) as api:
        signer = api.credential
        proof = OfficerPublisher(signer).proof_for(
            PublicationKind.calendar,
            CALENDAR_SUBJECT,
            signer.officer.agency,
            calendar_hash(changes_json(changes)),
        )
        body = {"changes": changes_json(changes), "proof": proof.model_dump(mode="json")}
        found = await api.post("/api/v1/calendar", body)
    render.success(
        f"calendar published ({found['sha256'][:12]}…): new dossiers take it; push it to the"
        " open ones with `hoso calendar push`"
    )


async def push(
    officer: Annotated[
        str | None, typer.Option("--as", help="the operator pushing (default: the token's)")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Give every open dossier of your scope the calendar as now published (e.g. a new
    compensatory day off), through the API, each change signed by you.

    Each dossier records the change in its history and counts its dates anew with it.
    """
    from cli.api_client import ApiError, api_client
    from models.actions import CalendarChange

    moved: list[dict[str, str]] = []
    async with api_client(officer) as api:
        found = await api.get("/api/v1/calendar")
        calendar = WorkingCalendar.model_validate(found["calendar"])
        change = CalendarChange(officer=api.credential.officer, calendar=calendar)
        for code in found["open"]:
            try:
                view = await api.get(f"/api/v1/dossiers/{code}")
                signed = api.credential.sign(
                    change, dossier=code, stage=view["stage"], update="change_calendar"
                )
                state = await api.post(
                    f"/api/v1/dossiers/{code}/calendar", signed.model_dump(mode="json")
                )
            except ApiError as exc:
                unanswered = exc.kind == "action-unanswered"
                reason = "no worker answered" if unanswered else str(exc)
                moved.append({"code": code, "change": f"not reached: {reason}"})
                continue
            moved.append({"code": code, "change": state["actions"][-1]["comment"]})
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

    app.command("publish")(command(publish))
    app.command("push")(command(push))


_register_push()
