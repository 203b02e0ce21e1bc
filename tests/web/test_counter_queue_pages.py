"""The counter's queue of bookings over HTTP: today's bookings of the officer's unit with the
applicant masked, a citizen checked in by the code they show (typed or the QR code's content),
a no-show marked, the dossier entered from a checked-in booking on the counter's form filled in
from it; an unknown code, a booking of another unit, a booking not checked in, another identity
number and a form without CSRF each refused with nothing changed; only the reception officers of
a one-stop unit reach it."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from models.tables import BookingRecord
from tests.api.helpers import wait_for_stage
from tests.appointments.test_counter import booked_today
from tests.web.conftest import Site
from tests.web.counter_steps import ENTRY, dossiers_counted
from tests.web.test_actions import session_with_key
from tests.web.test_counter_pages import scans
from tests.web.test_pages import signed_in

pytestmark = pytest.mark.timeout(180)
NAME, MASKED = "Nguyễn Văn An", "Nguyễn V. A."


def booking(site: Site, code: str) -> BookingRecord:
    with site.api.sessions() as session:
        found = session.get(BookingRecord, code)
        assert found is not None
        return found


async def test_a_citizen_is_checked_in_and_their_dossier_entered_from_the_booking(
    site: Site,
) -> None:
    came, missed = booked_today(site.api.sessions, 41), booked_today(site.api.sessions, 42)
    key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "xa.reception", key) as (http, csrf):
        worklist = await http.get("/worklist")
        assert 'href="/counter/queue"' in worklist.text, "the queue is in the navigation"
        queue = await http.get("/counter/queue")
        assert queue.status_code == 200
        assert f'id="booking-{came}"' in queue.text and f'id="booking-{missed}"' in queue.text
        assert MASKED in queue.text and NAME not in queue.text, "the name is masked"
        assert "09xx…xx78" in queue.text and "0912345678" not in queue.text

        empty = await http.post("/counter/queue/check-in", data={"csrf": csrf, "code": " "})
        assert empty.status_code == 422 and 'id="code-problem"' in empty.text
        unknown = await http.post(
            "/counter/queue/check-in", data={"csrf": csrf, "code": "ZZZZ-ZZZZ"}
        )
        assert unknown.status_code == 404 and 'id="code-problem"' in unknown.text
        assert "Không có lịch hẹn nào với mã này tại bộ phận của bạn." in unknown.text
        assert 'value="ZZZZ-ZZZZ"' in unknown.text, "what was typed is kept"
        no_csrf = await http.post("/counter/queue/check-in", data={"code": came})
        assert no_csrf.status_code == 403
        assert booking(site, came).status == "booked", "nothing changed"
        not_yet = await http.get(f"/counter/bookings/{came}/dossier")
        assert not_yet.status_code == 409 and "chưa vào lượt" in not_yet.text

        pasted = f" hoso:booking:{came.lower()} "  # the QR code's content, as a scanner types it
        checked = await http.post("/counter/queue/check-in", data={"csrf": csrf, "code": pasted})
        assert checked.status_code == 200, checked.text
        assert 'id="checked-in"' in checked.text
        assert f'href="/counter/bookings/{came}/dossier"' in checked.text
        assert booking(site, came).status == "checked_in"
        again = await http.post("/counter/queue/check-in", data={"csrf": csrf, "code": came})
        assert again.status_code == 409 and "đã vào lượt lúc" in again.text

        form = await http.get(f"/counter/bookings/{came}/dossier")
        assert form.status_code == 200
        assert f'value="{NAME}"' in form.text, "the entry form is filled in from the booking"
        assert re.search(r'id="id_number"[^>]*value="001000000041"[^>]*readonly', form.text)
        before = dossiers_counted(site)
        fields = {"csrf": csrf, "procedure": "2.000635", "delivery": "post", **ENTRY}
        someone_else = await http.post(
            f"/counter/bookings/{came}/dossier", data=fields, files=scans()
        )
        assert someone_else.status_code == 422
        assert 'id="id_number-problem"' in someone_else.text
        assert "khác với số của người đã đặt lịch hẹn" in someone_else.text
        assert dossiers_counted(site) == before, "nothing was recorded"

        mine = {**fields, "name": NAME, "id_number": "001000000041", "phone": "0912345678"}
        started = await http.post(f"/counter/bookings/{came}/dossier", data=mine, files=scans())
        assert started.status_code == 201, started.text
        found = re.search(r'id="dossier-code">([a-z0-9-]+)<', started.text)
        assert found and 'id="lookup-secret"' in started.text
        code = found.group(1)
        state = await wait_for_stage(site.api, code, "reception")
        assert (state.received_via, state.received_by) == ("counter", "xa.reception")
        assert (booking(site, came).status, booking(site, came).dossier_code) == ("started", code)
        queue = await http.get("/counter/queue")
        assert f'href="/dossiers/{code}"' in queue.text and "Đã nộp hồ sơ tại quầy" in queue.text

        no_show = await http.post(f"/counter/queue/{missed}/no-show", data={"csrf": csrf})
        assert no_show.status_code == 200 and f"Đã ghi lịch hẹn {missed} là không đến." in (
            no_show.text
        )
        twice = await http.post(f"/counter/queue/{missed}/no-show", data={"csrf": csrf})
        assert twice.status_code == 409 and "đã được ghi là không đến" in twice.text
        assert booking(site, missed).status == "no_show"


async def test_the_queue_is_the_units_own_and_the_counters_only(site: Site) -> None:
    theirs = booked_today(site.api.sessions, 43)
    async with signed_in(site, "xd.reception") as http:
        queue = await http.get("/counter/queue")
        assert queue.status_code == 200 and theirs not in queue.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', queue.text)
        assert csrf
        other_unit = await http.post(
            "/counter/queue/check-in", data={"csrf": csrf.group(1), "code": theirs}
        )
        assert other_unit.status_code == 404 and 'id="code-problem"' in other_unit.text
        assert (await http.get(f"/counter/bookings/{theirs}/dossier")).status_code == 404
        no_show = await http.post(f"/counter/queue/{theirs}/no-show", data={"csrf": csrf.group(1)})
        assert no_show.status_code == 404
    assert booking(site, theirs).status == "booked", "another unit changed nothing"

    async with signed_in(site, "xa.civil-status") as http:
        worklist = await http.get("/worklist")
        assert 'href="/counter/queue"' not in worklist.text, "no link"
        refused = await http.get("/counter/queue")
        assert refused.status_code == 403
        assert "dành cho cán bộ tiếp nhận" in refused.text and theirs not in refused.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', worklist.text)
        assert csrf
        check_in = await http.post(
            "/counter/queue/check-in", data={"csrf": csrf.group(1), "code": theirs}
        )
        assert check_in.status_code == 403
        assert (await http.get(f"/counter/bookings/{theirs}/dossier")).status_code == 403
    assert booking(site, theirs).status == "booked"
