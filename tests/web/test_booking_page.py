"""The citizen's booking page through real HTTP: a booking made on the page shows its code and
QR code; bad input is said in Vietnamese beside its field and records nothing; a full slot, a
form without its token, a wrong phone number change nothing; a booking is moved and cancelled
with its code and phone; the page counts against the address's booking limit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from sqlmodel import func, select

from api.app import create_app
from models.tables import BookingRecord
from tests.web.conftest import Site
from tests.web.test_signin import csrf_of

EXTRACT = "2.000635"  # ubnd-xa's one-stop unit: one counter, two places a slot
PERSON = {"name": "Trần Thị Bình", "phone": "0987 654 321", "id_number": "001098765432"}


@pytest.fixture(autouse=True)
def _generous(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Many requests from 127.0.0.1 in one test: the limit is tried on its own below."""
    monkeypatch.setenv("HOSO_API_RATE_BOOKINGS", "1000/minute")
    yield


def free_slots(html: str) -> list[str]:
    radios = re.findall(r'<input type="radio" name="start" value="([^"]+)"([^>]*)>', html)
    return [value for value, rest in radios if "disabled" not in rest]


async def form(http: httpx.AsyncClient) -> tuple[str, list[str]]:
    page = await http.get("/appointments", params={"procedure": EXTRACT})
    assert page.status_code == 200, page.text
    return csrf_of(page.text), free_slots(page.text)


def bookings(site: Site) -> int:
    with site.api.sessions() as session:
        return int(session.exec(select(func.count()).select_from(BookingRecord)).one())


async def test_a_booking_on_the_page_shows_its_code_and_qr_code(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        choice = await http.get("/appointments")
        assert "Đặt lịch hẹn tại bộ phận một cửa" in choice.text
        assert f'value="{EXTRACT}"' in choice.text
        token, slots = await form(http)
        assert slots, "no free slot in the coming days"
        done = await http.post(
            "/appointments",
            data={"csrf": token, "procedure": EXTRACT, "start": slots[0], **PERSON},
        )
        assert done.status_code == 201, done.text
        code = re.search(r"Mã lịch hẹn: <strong>([A-Z0-9]{4}-[A-Z0-9]{4})</strong>", done.text)
        assert code, "no booking code on the page"
        assert "<svg" in done.text and f"Mã QR của lịch hẹn {code.group(1)}" in done.text
        start = datetime.fromisoformat(slots[0])
        assert start.strftime("%H:%M") in done.text and start.strftime("%d/%m/%Y") in done.text
        api = await http.get(
            f"/api/v1/public/appointments/{code.group(1)}", headers={"Hoso-Phone": "0987654321"}
        )
        assert api.json()["status"] == "booked"
        assert datetime.fromisoformat(api.json()["start"]) == start

        page = await http.get("/appointments", params={"procedure": EXTRACT})
        later = re.search(r'&amp;from=([0-9-]+)">Xem những ngày sau', page.text)
        assert later, "no link to the following days"
        shown = await http.get(
            "/appointments", params={"procedure": EXTRACT, "from": later.group(1)}
        )
        assert all(s > slots[-1] for s in free_slots(shown.text))
        for odd in ("tomorrow", "9999-12-31"):
            shown = await http.get("/appointments", params={"procedure": EXTRACT, "from": odd})
            assert shown.status_code == 200 and free_slots(shown.text), odd

        english = await http.get(
            "/appointments", params={"procedure": EXTRACT}, headers={"Accept-Language": "en"}
        )
        assert "Book a time at the one-stop counter" in english.text
        assert "places left" in english.text


async def test_bad_input_is_said_beside_its_field_and_nothing_is_recorded(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        token, slots = await form(http)
        between = (datetime.fromisoformat(slots[0]) + timedelta(minutes=10)).isoformat()
        past = (datetime.fromisoformat(slots[0]) - timedelta(days=3650)).isoformat()
        cases = [
            ({"phone": "12345"}, "phone", "Số điện thoại không hợp lệ"),
            ({"id_number": "12"}, "id_number", "gồm 12 chữ số"),
            ({"name": ""}, "name", "Hãy nhập họ và tên"),
            ({"start": ""}, "start", "Hãy chọn một khung giờ"),
            ({"start": between}, "start", "Không có khung giờ này"),
            ({"start": past}, "start", "Khung giờ này đã qua"),
        ]
        for change, field, message in cases:
            data = {"csrf": token, "procedure": EXTRACT, "start": slots[0], **PERSON, **change}
            answer = await http.post("/appointments", data=data)
            assert answer.status_code == 422, (change, answer.status_code)
            beside = re.search(rf'<p class="error" id="{field}-error">([^<]+)</p>', answer.text)
            assert beside and message in beside.group(1), (change, beside)
            assert f'aria-describedby="{field}-error"' in answer.text
            if field != "start":
                assert 'value="Trần Thị Bình"' in answer.text or field == "name"
        no_token = await http.post(
            "/appointments", data={"procedure": EXTRACT, "start": slots[0], **PERSON}
        )
        assert no_token.status_code == 403
    assert bookings(site) == 0


async def test_a_full_slot_on_the_page_books_nothing(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        token, slots = await form(http)
        for n in (1, 2):
            taken = await http.post(
                "/api/v1/public/appointments",
                json={
                    "procedure": EXTRACT,
                    "start": slots[0],
                    **PERSON,
                    "id_number": f"00100000000{n}",
                },
            )
            assert taken.status_code == 201, taken.text
        full = await http.post(
            "/appointments", data={"csrf": token, "procedure": EXTRACT, "start": slots[0], **PERSON}
        )
        assert full.status_code == 409
        assert "Khung giờ này vừa hết chỗ" in full.text
        assert slots[0] not in free_slots(full.text)
    assert bookings(site) == 2


async def test_a_fourth_booking_of_one_person_is_said_beside_the_identity_number(
    site: Site,
) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        token, slots = await form(http)
        for start in slots[:3]:
            held = await http.post(
                "/api/v1/public/appointments", json={"procedure": EXTRACT, "start": start, **PERSON}
            )
            assert held.status_code == 201, held.text
        fourth = await http.post(
            "/appointments", data={"csrf": token, "procedure": EXTRACT, "start": slots[3], **PERSON}
        )
        assert fourth.status_code == 422
        beside = re.search(r'<p class="error" id="id_number-error">([^<]+)</p>', fourth.text)
        assert beside and "đã giữ đủ số lịch hẹn sắp tới" in beside.group(1)
    assert bookings(site) == 3


async def test_a_booking_is_moved_and_cancelled_with_its_code_and_phone(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        token, slots = await form(http)
        made = await http.post(
            "/api/v1/public/appointments",
            json={"procedure": EXTRACT, "start": slots[0], **PERSON},
        )
        code = made.json()["code"]
        for n in (1, 2):  # the third slot is full
            await http.post(
                "/api/v1/public/appointments",
                json={
                    "procedure": EXTRACT,
                    "start": slots[2],
                    **PERSON,
                    "id_number": f"00100000000{n}",
                },
            )
        key = {"csrf": token, "code": code.lower()}
        wrong = await http.post("/appointments/manage", data={**key, "phone": "0900000000"})
        assert wrong.status_code == 404 and "Không tìm thấy lịch hẹn" in wrong.text
        assert "Trần Thị Bình" not in wrong.text
        shown = await http.post("/appointments/manage", data={**key, "phone": "+84987654321"})
        assert shown.status_code == 200 and code in shown.text and "<svg" in shown.text

        full = await http.post(
            "/appointments/move", data={**key, "phone": "0987654321", "start": slots[2]}
        )
        assert full.status_code == 409 and "Khung giờ này vừa hết chỗ" in full.text
        moved = await http.post(
            "/appointments/move", data={**key, "phone": "0987654321", "start": slots[1]}
        )
        assert moved.status_code == 200 and "Đã đổi lịch hẹn." in moved.text
        with site.api.sessions() as session:
            record = session.get(BookingRecord, code)
            assert record is not None
            assert record.slot_start == datetime.fromisoformat(slots[1])

        cancelled = await http.post("/appointments/cancel", data={**key, "phone": "0987654321"})
        assert cancelled.status_code == 200 and "Đã hủy lịch hẹn." in cancelled.text
        assert "Đã hủy" in cancelled.text and "Đổi lịch" not in cancelled.text
        again = await http.post("/appointments/cancel", data={**key, "phone": "0987654321"})
        assert again.status_code == 409 and "đã hủy hoặc đã dùng" in again.text
        late = await http.post(
            "/appointments/move", data={**key, "phone": "0987654321", "start": slots[3]}
        )
        assert late.status_code == 409 and "đã hủy hoặc đã dùng" in late.text
        with site.api.sessions() as session:
            record = session.get(BookingRecord, code)
            assert record is not None and record.status == "cancelled"
            assert record.slot_start == datetime.fromisoformat(slots[1])


async def test_the_page_counts_against_the_address_booking_limit(site: Site) -> None:
    limited = site.settings.model_copy(update={"api_rate_bookings": "3/minute"})
    transport = httpx.ASGITransport(app=create_app(limited), client=("203.0.113.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        answers = [await http.get("/appointments") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert "Quá nhiều yêu cầu" in answers[-1].text
