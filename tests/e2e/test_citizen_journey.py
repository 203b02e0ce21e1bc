"""The citizen's side of the counter end to end (issue 25): booked on the public page, reminded,
checked in at the counter, the dossier started there from the booking, processed by the officers
through the API, its fee paid online on the sandbox gateway's own page (the IPN reaching hoso's
endpoint), the result delivered; and the gateway down (in maintenance, then not answering at
all): the attempt fails, the dossier keeps waiting, a new attempt pays once the gateway is back."""

from __future__ import annotations

import asyncio
import html
import json
import re
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage

import httpx
import pytest
from sqlmodel import select

from models.booking import BookingReminder
from models.calendar import VIETNAM
from models.dossier import DossierStatus
from models.state import DossierState
from models.tables import BookingRecord, DossierRecord, NotificationRecord
from support import vnpay
from support.devserver import is_reachable
from tests.appointments.conftest import EXTRACT, situations
from tests.appointments.test_reminders import later_slots
from tests.e2e.conftest import Journey
from tests.payments.conftest import EXTRACT_CHAIN, JPG, MERCHANT, PDF
from tests.web.test_signin import csrf_of
from workflows.booking_reminder import BookingReminderWorkflow, reminder_id

pytestmark = pytest.mark.timeout(240)
CITIZEN = {
    "name": "Nguyễn Văn An",
    "phone": "0912 345 678",
    "id_number": "001099012345",
    "email": "an@example.vn",
}
PHONE = "0912345678"


async def book_on_the_page(journey: Journey, start: str) -> str:
    """The citizen books `start` on the public booking page: the booking's code."""
    page = await journey.browser.get(f"{journey.url}/appointments", params={"procedure": EXTRACT})
    assert page.status_code == 200, page.text
    done = await journey.browser.post(
        f"{journey.url}/appointments",
        data={"csrf": csrf_of(page.text), "procedure": EXTRACT, "start": start, **CITIZEN},
    )
    assert done.status_code == 201, done.text
    code = re.search(r"Mã lịch hẹn: <strong>([A-Z0-9]{4}-[A-Z0-9]{4})</strong>", done.text)
    assert code, "no booking code on the page"
    return code.group(1)


def day_before(start: datetime) -> datetime:
    """08:00 of the working day before the slot's day."""
    calendar, day = situations().calendar, start.astimezone(VIETNAM).date() - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, time(8), VIETNAM)


def the_day_comes(journey: Journey, booking: str) -> None:
    """The slot's day has come: the booking's slot moves to the present minute in the database
    (the API's clock is the machine's; it cannot jump the days until the slot)."""
    with journey.officers.sessions() as session:
        row = session.get(BookingRecord, booking)
        assert row is not None
        row.slot_start = datetime.now(UTC).replace(second=0, microsecond=0)
        session.add(row)
        session.commit()


async def checked_in_dossier(journey: Journey, booking: str) -> tuple[str, str]:
    """The reception officer sees the booking in the day's queue, checks the citizen in by the
    QR code's content and starts the dossier from the booking: its code and lookup secret."""
    http, reception = journey.officers.http, journey.officers.auth("xa.reception")
    queue = await http.get("/api/v1/counter/queue", auth=reception)
    assert queue.status_code == 200, queue.text
    assert booking in [b["code"] for b in queue.json()["bookings"]]
    checked = await http.post(
        "/api/v1/counter/check-ins", json={"code": f"hoso:booking:{booking}"}, auth=reception
    )
    assert checked.status_code == 200 and checked.json()["status"] == "checked_in", checked.text
    dossier = {
        "procedure": EXTRACT,
        "applicant": {
            "name": CITIZEN["name"],
            "id_number": CITIZEN["id_number"],
            "phone": PHONE,
            "email": CITIZEN["email"],
        },
        "documents": [
            {"kind": "request_form", "path": "form.pdf"},
            {"kind": "id_card", "path": "card.jpg"},
        ],
        "delivery": "online",
    }
    started = await http.post(
        f"/api/v1/counter/bookings/{booking}/dossier",
        data={"dossier": json.dumps(dossier)},
        files=[
            ("documents", ("form.pdf", PDF, "application/pdf")),
            ("documents", ("card.jpg", JPG, "image/jpeg")),
        ],
        auth=reception,
    )
    assert started.status_code == 201, started.text
    code, secret = started.json()["code"], started.json()["lookup_secret"]
    view = await http.get(f"/api/v1/dossiers/{code}", auth=reception)
    assert view.json()["received_via"] == "counter"
    return code, secret


async def processed(journey: Journey, code: str) -> None:
    """Accepted at the counter (the fee is not taken there: it is due with the result),
    reviewed and approved: the result waits for the fee."""
    officers = journey.officers
    await officers.until_stage(code, "reception")
    for officer, stage in EXTRACT_CHAIN:
        view = await officers.act(
            officer, stage, code, "accept" if stage == "reception" else "approve"
        )
        if stage == "reception":
            assert view["status"] == "in_review", view
            assert (await officers.state(code)).payment is None
    assert view["status"] == "awaiting_payment", view


async def waiting_dossier(journey: Journey) -> tuple[str, str]:
    """A dossier of a booking, received at the counter and approved: it waits for its fee."""
    slot = (await later_slots(journey.counters))[0]
    booking = await book_on_the_page(journey, slot["start"])
    the_day_comes(journey, booking)
    code, secret = await checked_in_dossier(journey, booking)
    await processed(journey, code)
    return code, secret


async def pay_on_the_gateway(journey: Journey, gateway_url: str) -> str:
    """On the gateway's page the citizen presses "Thanh toán" and is sent back to hoso: the
    return page's text."""
    browser = journey.browser
    page = await browser.get(gateway_url)
    assert page.status_code == 200, page.text
    assert "8.000 đ" in page.text and ">Thanh toán</button>" in page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action is not None
    decided = await browser.post(
        journey.gateway.url + html.unescape(action.group(1)),
        data={"decision": "pay", "bank": "NCB"},
        follow_redirects=False,
    )
    assert decided.status_code == 303, decided.text
    back = decided.headers["location"]
    assert back.startswith(f"{journey.url}/payments/return?")
    returned = await browser.get(back)
    assert returned.status_code == 200, returned.text
    return returned.text


async def gateway_silent_for_a_while(journey: Journey, gateway_url: str) -> None:
    """The outage switch: the gateway's port closes for two seconds (the citizen's browser finds
    no one there), then it answers again."""
    closed = await journey.browser.post(journey.gateway.outage_url, params={"seconds": "2"})
    assert closed.status_code == 202, closed.text
    address = journey.gateway.url.removeprefix("http://")
    deadline = asyncio.get_running_loop().time() + 10
    while is_reachable(address, timeout=0.2):
        assert asyncio.get_running_loop().time() < deadline, "the gateway's port stayed open"
        await asyncio.sleep(0.02)
    with pytest.raises(httpx.ConnectError):
        await journey.browser.get(gateway_url)
    while not is_reachable(address, timeout=0.2):
        assert asyncio.get_running_loop().time() < deadline, "the gateway's port stayed closed"
        await asyncio.sleep(0.05)


async def until_status(journey: Journey, code: str, status: DossierStatus) -> DossierState:
    deadline = asyncio.get_running_loop().time() + 60
    while (state := await journey.officers.state(code)).status != status:
        assert asyncio.get_running_loop().time() < deadline, f"{code} stayed {state.status}"
        await asyncio.sleep(0.2)
    return state


def sent(journey: Journey, code: str) -> set[str]:
    """The templates of the notices sent to the dossier's applicant."""
    with journey.officers.sessions() as session:
        query = select(NotificationRecord.template).where(NotificationRecord.dossier_code == code)
        return set(session.exec(query))


def mails_to(journey: Journey, address: str) -> list[EmailMessage]:
    return [message for to, message in journey.inbox.messages if address in to]


async def test_a_booked_citizen_pays_online_and_receives_the_result(journey: Journey) -> None:
    counters, officers, browser = journey.counters, journey.officers, journey.browser
    slot = (await later_slots(counters))[0]  # its working day before is still to come
    booking = await book_on_the_page(journey, slot["start"])

    start = datetime.fromisoformat(slot["start"])
    reminder_of = reminder_id(booking, int(start.timestamp()))
    handle = counters.client.get_workflow_handle_for(BookingReminderWorkflow.run, reminder_of)
    reminder = await handle.query(BookingReminderWorkflow.reminder)
    assert reminder is not None and reminder.remind_at == day_before(start)
    assert not journey.inbox.messages
    # The working day before has come: the reminder, as its workflow sends it at its time.
    now = BookingReminder(code=booking, slot_start=start, remind_at=datetime.now(UTC))
    result = await counters.client.execute_workflow(
        BookingReminderWorkflow.run,
        now,
        id=f"now-{reminder_of}",
        task_queue=counters.settings.task_queue,
    )
    assert result == "sent"
    (reminded,) = mails_to(journey, CITIZEN["email"])
    assert booking in reminded.get_content()

    the_day_comes(journey, booking)
    code, secret = await checked_in_dossier(journey, booking)
    with officers.sessions() as session:
        row = session.get(BookingRecord, booking)
        assert row is not None and (row.status, row.dossier_code) == ("started", code)
    await processed(journey, code)

    follow = await browser.get(f"{journey.url}/follow")
    form = {"code": code, "secret": secret, "csrf": csrf_of(follow.text)}
    found = await browser.post(f"{journey.url}/follow", data=form)
    assert "Chờ thanh toán phí" in found.text and "8.000 đồng" in found.text
    start_pay = await browser.post(f"{journey.url}/follow/pay", data=form)
    assert start_pay.status_code == 200, start_pay.text
    link = re.search(r'href="([^"]+vpcpay\.html\?[^"]+)"', start_pay.text)
    assert link, "no link to the gateway"
    gateway_url = html.unescape(link.group(1))
    assert gateway_url.startswith(journey.gateway.payment_url + "?")

    returned = await pay_on_the_gateway(journey, gateway_url)
    assert re.search(r"Đã thanh toán thành công|đang xác nhận thanh toán", returned), returned
    assert code in returned
    result_state = await until_status(journey, code, DossierStatus.completed)
    assert result_state.outcome == "approved"
    assert result_state.payment is not None and result_state.payment.channel == "online"
    await journey.gateway.deliveries_done()
    reference = vnpay.query_params(gateway_url)["vnp_TxnRef"]
    transaction = journey.gateway.ledger.find(MERCHANT, reference)
    assert transaction is not None and transaction.ipn[-1].recorded  # hoso answered: recorded

    done = await browser.post(f"{journey.url}/follow", data=form)
    assert "Đã trả kết quả" in done.text and "Tải biên lai" in done.text
    for path in ("/follow/result", "/follow/receipt"):
        pdf = await browser.post(f"{journey.url}{path}", data=form)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", path
    assert {"receipt_issued", "payment_requested", "result_ready_online"} <= sent(journey, code)
    with officers.sessions() as session:
        dossier = session.get(DossierRecord, code)
        assert dossier is not None
        assert (dossier.received_via, dossier.fee_channel) == ("counter", "online")  # for 3.6
        assert dossier.reference == f"booking:{booking}"


async def test_with_the_gateway_down_the_dossier_waits_and_a_new_attempt_pays(
    journey: Journey,
) -> None:
    code, secret = await waiting_dossier(journey)
    browser, lookup = journey.browser, {"Hoso-Lookup-Secret": secret}
    payments_of = f"{journey.url}/api/v1/public/dossiers/{code}/payments"
    down = await browser.put(journey.gateway.faults_url, json={"unavailable": True})
    assert down.status_code == 200 and down.json()["unavailable"] is True

    first = await browser.post(payments_of, headers=lookup)
    assert first.status_code == 201, first.text
    page = await browser.get(first.json()["gateway_url"])
    assert page.status_code == 503 and "Hệ thống đang bảo trì" in page.text
    assert "Thanh toán</button>" not in page.text
    state = await journey.officers.state(code)
    assert state.status == DossierStatus.awaiting_payment
    assert state.payment is not None and state.payment.paid_at is None

    up = await browser.put(journey.gateway.faults_url, json={"unavailable": False})
    assert up.status_code == 200
    await gateway_silent_for_a_while(journey, first.json()["gateway_url"])
    second = await browser.post(payments_of, headers=lookup)
    assert second.status_code == 201, second.text
    assert second.json()["reference"] != first.json()["reference"]
    returned = await pay_on_the_gateway(journey, second.json()["gateway_url"])
    assert "không thành công" not in returned
    state = await until_status(journey, code, DossierStatus.completed)
    assert state.payment is not None and state.payment.reference == second.json()["reference"]

    attempts = await journey.officers.http.get(
        "/api/v1/payments", params={"dossier": code}, auth=journey.officers.auth("ops.operator")
    )
    assert attempts.status_code == 200, attempts.text
    assert {a["reference"]: a["status"] for a in attempts.json()} == {
        first.json()["reference"]: "superseded",
        second.json()["reference"]: "paid",
    }
