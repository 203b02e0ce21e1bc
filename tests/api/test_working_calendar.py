"""The working calendar through the API: the service centre's administrator publishes it, an
operator pushes it to the open dossiers, and a calendar file changed on the server is named and
pushed nowhere."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.actions import CalendarChange
from models.calendar import WorkingCalendar
from models.publication import CALENDAR_SUBJECT, PublicationKind, calendar_hash
from support.calendar_publications import published_file
from support.publishers import OfficerPublisher
from tests.api.conftest import Api
from tests.api.helpers import wait_for_stage
from tests.api.test_submission import assert_problem


def a_weekday_next_year() -> date:
    day = date(datetime.now(UTC).year + 1, 3, 10)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def signed_calendar(api: Api, officer_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    credential = api.officer(officer_id)
    proof = OfficerPublisher(credential).proof_for(
        PublicationKind.calendar,
        CALENDAR_SUBJECT,
        credential.officer.agency,
        calendar_hash(changes),
    )
    return {"changes": changes, "proof": proof.model_dump(mode="json")}


async def push(api: Api, code: str, calendar: WorkingCalendar) -> Any:
    view = (await api.http.get(f"/api/v1/dossiers/{code}", auth=api.auth("ops.operator"))).json()
    change = CalendarChange(officer=api.officer("ops.operator").officer, calendar=calendar)
    signed = api.officer("ops.operator").sign(
        change, dossier=code, stage=view["stage"], update="change_calendar"
    )
    return await api.http.post(
        f"/api/v1/dossiers/{code}/calendar",
        json=signed.model_dump(mode="json"),
        auth=api.auth("ops.operator"),
    )


async def test_the_administrator_publishes_and_an_operator_pushes_the_calendar(api: Api) -> None:
    response = await api.submit(headers={"Idempotency-Key": uuid.uuid4().hex})
    code = response.json()["code"]
    await wait_for_stage(api, code, "reception")
    day_off = a_weekday_next_year()
    changes = {"days_off": [{"day": day_off.isoformat(), "name": "Nghỉ bù"}], "working_days": []}

    published = await api.http.post(
        "/api/v1/calendar",
        json=signed_calendar(api, "hcc.admin", changes),
        auth=api.auth("hcc.admin"),
    )
    assert published.status_code == 201, published.text
    assert published.json()["sha256"] == calendar_hash(changes)
    assert published_file(api.settings).is_file()

    found = await api.http.get("/api/v1/calendar", auth=api.auth("ops.operator"))
    assert found.status_code == 200, found.text
    calendar = WorkingCalendar.model_validate(found.json()["calendar"])
    assert day_off in calendar.holiday_days and code in found.json()["open"]

    pushed = await push(api, code, calendar)
    assert pushed.status_code == 200, pushed.text
    assert pushed.json()["actions"][-1]["action"] == "calendar_changed"

    verified = await api.http.get("/api/v1/verification/catalogue", auth=api.auth("ops.operator"))
    assert verified.json()["outcome"] == "intact", verified.json()["differences"]


async def test_the_calendar_is_published_by_the_province_administrator_only(api: Api) -> None:
    changes: dict[str, Any] = {"days_off": [], "working_days": []}
    for officer, detail in (
        ("xa.admin", "only an administrator of a province-wide agency"),
        ("ops.operator", "only an administrator of trung-tam-hcc"),
    ):
        refused = await api.http.post(
            "/api/v1/calendar",
            json=signed_calendar(api, officer, changes),
            auth=api.auth(officer),
        )
        assert detail in assert_problem(refused, 403, "forbidden")["detail"]
    reading = await api.http.get("/api/v1/calendar", auth=api.auth("xa.admin"))
    assert_problem(reading, 403, "forbidden")


async def test_a_calendar_file_changed_on_the_server_is_named_and_pushed_nowhere(
    api: Api,
) -> None:
    response = await api.submit(headers={"Idempotency-Key": uuid.uuid4().hex})
    code = response.json()["code"]
    await wait_for_stage(api, code, "reception")
    changes: dict[str, Any] = {"days_off": [], "working_days": []}
    published = await api.http.post(
        "/api/v1/calendar",
        json=signed_calendar(api, "hcc.admin", changes),
        auth=api.auth("hcc.admin"),
    )
    assert published.status_code == 201, published.text
    day = a_weekday_next_year()
    published_file(api.settings).write_text(
        f"days_off:\n  - {{day: {day.isoformat()}, name: Ngày nghỉ giả}}\n", encoding="utf-8"
    )

    verified = await api.http.get("/api/v1/verification/catalogue", auth=api.auth("ops.operator"))
    assert verified.json()["differences"][-1].startswith(
        "the calendar file calendar.yaml differs from its latest signed publication"
    )
    found = await api.http.get("/api/v1/calendar", auth=api.auth("ops.operator"))
    planted = WorkingCalendar.model_validate(found.json()["calendar"])
    refused = await push(api, code, planted)
    assert (
        "differs from its latest signed publication"
        in assert_problem(refused, 409, "conflict")["detail"]
    )
