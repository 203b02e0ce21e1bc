"""Reports and the dossier register through the API: for operators and the agency's leaders,
each within their reach; JSON, CSV and (the register) PDF."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from models.calendar import VIETNAM
from models.tables import DossierRecord
from tests.api.conftest import Api
from tests.api.helpers import submitted
from tests.api.test_submission import assert_problem


def this_month() -> str:
    """From the month's first day to a month ahead (a dossier received on a day off counts from
    the next working day)."""
    today = datetime.now(VIETNAM).date()
    return f"from={today.replace(day=1)}&to={today + timedelta(days=31)}"


async def recorded(api: Api) -> str:
    """A submitted dossier, once the projection has its row."""
    code = await submitted(api)
    deadline = asyncio.get_running_loop().time() + 20
    while True:
        with api.sessions() as session:
            if session.get(DossierRecord, code) is not None:
                return code
        assert asyncio.get_running_loop().time() < deadline, f"{code} never recorded"
        await asyncio.sleep(0.2)


async def test_a_province_wide_operator_reports_every_agency_as_json_and_csv(api: Api) -> None:
    await recorded(api)
    found = await api.http.get(f"/api/v1/reports?{this_month()}", auth=api.auth("ops.operator"))
    assert found.status_code == 200, found.text
    report = found.json()
    assert report["agency"] is None and report["total"]["received"] >= 1, report
    assert "ubnd-xa" in {group["group"] for group in report["groups"]}
    assert "on_time_rate" in report["total"]["indicators"]
    csv = await api.http.get(
        f"/api/v1/reports?{this_month()}&format=csv&by=procedure", auth=api.auth("ops.operator")
    )
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("group,received,")


async def test_a_leader_reports_their_own_agency_only_and_others_are_refused(api: Api) -> None:
    await recorded(api)
    own = await api.http.get(f"/api/v1/reports?{this_month()}", auth=api.auth("xa.chairman"))
    assert own.status_code == 200, own.text
    assert own.json()["agency"] == "ubnd-xa"
    other = await api.http.get(
        f"/api/v1/reports?{this_month()}&agency=so-tnmt", auth=api.auth("xa.chairman")
    )
    assert_problem(other, 404, "not-found")
    specialist = await api.http.get(
        f"/api/v1/reports?{this_month()}", auth=api.auth("xa.civil-status")
    )
    assert_problem(specialist, 403, "forbidden")
    register = await api.http.get(
        f"/api/v1/register?{this_month()}&agency=so-tnmt", auth=api.auth("xa.chairman")
    )
    assert_problem(register, 404, "not-found")


async def test_the_register_comes_as_json_csv_and_form_06(api: Api) -> None:
    code = await recorded(api)
    query = f"/api/v1/register?{this_month()}&agency=ubnd-xa"
    found = await api.http.get(query, auth=api.auth("xa.chairman"))
    assert found.status_code == 200, found.text
    assert code in {line["code"] for line in found.json()["lines"]}
    csv = await api.http.get(f"{query}&format=csv", auth=api.auth("ops.operator"))
    assert csv.status_code == 200 and csv.text.startswith("#,code,procedure,")
    pdf = await api.http.get(f"{query}&format=pdf", auth=api.auth("ops.operator"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


async def test_an_impossible_period_is_422_with_the_reason(api: Api) -> None:
    backwards = await api.http.get(
        "/api/v1/reports?from=2026-05-01&to=2026-04-01", auth=api.auth("ops.operator")
    )
    body = assert_problem(backwards, 422, "invalid-period")
    assert "before it starts" in body["detail"]
    missing = await api.http.get("/api/v1/register?to=2026-04-01", auth=api.auth("ops.operator"))
    assert_problem(missing, 422, "invalid-request")
    province = await api.http.get(
        "/api/v1/register?from=2026-04-01&to=2026-04-30", auth=api.auth("ops.operator")
    )
    assert "name the agency" in assert_problem(province, 422, "invalid-period")["detail"]
