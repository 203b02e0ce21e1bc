"""At the counter: the reception officers of the unit see the day's queue, check a citizen in
by code or QR, mark a no-show, and start the dossier from the booking; the report counts them."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import select

from models.calendar import VIETNAM
from models.tables import BookingRecord, DossierRecord
from operations.appointments import new_code
from support.intake import Sessions
from tests.appointments.conftest import EXTRACT, Counters, citizen

pytestmark = pytest.mark.timeout(180)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def booked_earlier(counters: Counters, n: int) -> str:
    """A citizen who booked a slot of today's (beginning now) some days ago."""
    return booked_today(counters.sessions, n)


def booked_today(sessions: Sessions, n: int) -> str:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    person = citizen(n)
    code = new_code()
    with sessions() as session:
        session.add(
            BookingRecord(
                code=code,
                agency="ubnd-xa",
                unit="one-stop",
                counter="quay-1",
                procedure_code=EXTRACT,
                slot_start=now,
                place=n,
                status="booked",
                name=person["name"],
                phone="0912345678",
                id_number=person["id_number"],
                created_at=now,
            )
        )
        session.commit()
    return code


async def start_dossier(counters: Counters, code: str, id_number: str) -> httpx.Response:
    dossier = {
        "procedure": EXTRACT,
        "applicant": {
            "name": "Nguyễn Văn An",
            "id_number": id_number,
            "phone": "0912345678",
            "address": "12 Phố Huế, Hai Bà Trưng, Hà Nội",
        },
        "documents": [
            {"kind": "request_form", "path": "form.pdf"},
            {"kind": "id_card", "path": "card.jpg"},
        ],
        "delivery": "post",
    }
    return await counters.http.post(
        f"/api/v1/counter/bookings/{code}/dossier",
        data={"dossier": json.dumps(dossier)},
        files=[
            ("documents", ("form.pdf", PDF, "application/pdf")),
            ("documents", ("card.jpg", JPG, "image/jpeg")),
        ],
        auth=counters.auth("xa.reception"),
    )


async def test_the_counter_checks_in_starts_the_dossier_and_reports(
    counters: Counters, capfd: pytest.CaptureFixture[str]
) -> None:
    came, missed, cancelled = (booked_earlier(counters, n) for n in (1, 2, 3))
    cancel = await counters.http.post(
        f"/api/v1/public/appointments/{cancelled}/cancel", json={"phone": "0912345678"}
    )
    assert cancel.status_code == 200
    reception = counters.auth("xa.reception")

    queue = await counters.http.get("/api/v1/counter/queue", auth=reception)
    assert queue.status_code == 200, queue.text
    listed = {b["code"]: b for b in queue.json()["bookings"]}
    assert set(listed) == {came, missed}
    assert listed[came]["id_number"] == citizen(1)["id_number"]

    other_unit = await counters.http.get(
        f"/api/v1/counter/bookings/{came}", auth=counters.auth("xd.reception")
    )
    assert other_unit.status_code == 404
    not_counter = await counters.http.get(
        "/api/v1/counter/queue", auth=counters.auth("xa.civil-status")
    )
    assert not_counter.status_code == 403

    checked = await counters.http.post(
        "/api/v1/counter/check-ins", json={"code": f"hoso:booking:{came}"}, auth=reception
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["status"] == "checked_in"
    again = await counters.http.post(
        "/api/v1/counter/check-ins", json={"code": came}, auth=reception
    )
    assert again.status_code == 409
    gone = await counters.http.post(
        "/api/v1/counter/check-ins", json={"code": cancelled}, auth=reception
    )
    assert gone.status_code == 409 and "cancelled" in gone.json()["detail"]

    no_show = await counters.http.post(f"/api/v1/counter/bookings/{missed}/no-show", auth=reception)
    assert no_show.status_code == 200 and no_show.json()["status"] == "no_show"
    too_early = await start_dossier(counters, missed, citizen(2)["id_number"])
    assert too_early.status_code == 409

    someone_else = await start_dossier(counters, came, citizen(7)["id_number"])
    assert someone_else.status_code == 422
    started = await start_dossier(counters, came, citizen(1)["id_number"])
    assert started.status_code == 201, started.text
    dossier_code = started.json()["code"]
    view = await counters.http.get(f"/api/v1/dossiers/{dossier_code}", auth=reception)
    assert view.json()["received_via"] == "counter"
    booking = await counters.http.get(f"/api/v1/counter/bookings/{came}", auth=reception)
    assert booking.json()["status"] == "started"
    assert booking.json()["dossier_code"] == dossier_code
    deadline = asyncio.get_running_loop().time() + 30
    record = None
    while record is None and asyncio.get_running_loop().time() < deadline:
        with counters.sessions() as session:
            record = session.exec(
                select(DossierRecord).where(DossierRecord.code == dossier_code)
            ).first()
        await asyncio.sleep(0.2)
    assert record is not None and record.reference == f"booking:{came}"
    assert (record.received_via, record.received_by) == ("counter", "xa.reception")

    today = datetime.now(VIETNAM).date().isoformat()
    period = {"from": today, "to": today}
    report = await counters.http.get(
        "/api/v1/reports/appointments", params=period, auth=counters.auth("ops.operator")
    )
    assert report.status_code == 200, report.text
    (group,) = report.json()["groups"]
    assert (group["agency"], group["unit"], group["procedure"]) == ("ubnd-xa", "one-stop", EXTRACT)
    assert (group["bookings"], group["cancelled"], group["no_shows"], group["started"]) == (
        3,
        1,
        1,
        1,
    )
    assert group["no_show_rate"] == 0.5
    assert group["average_wait_minutes"] is not None and group["average_wait_minutes"] >= 0
    as_csv = await counters.http.get(
        "/api/v1/reports/appointments",
        params={**period, "format": "csv"},
        auth=counters.auth("ops.operator"),
    )
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert rows[0]["bookings"] == "3" and "name" not in rows[0]
    refused = await counters.http.get("/api/v1/reports/appointments", params=period, auth=reception)
    assert refused.status_code == 403
    logged = "".join(capfd.readouterr())
    assert "booking_checked_in" in logged and "booking_dossier_started" in logged
    for personal in ("Nguyễn Văn An", "0912345678", citizen(1)["id_number"]):
        assert personal not in logged, f"{personal} was logged"
