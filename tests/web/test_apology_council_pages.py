"""An apology with a new appointment date and an appraisal council, from the dossier's page:
the date is a working day after the due date (a day off is said beside the field, nothing
prepared), the council's members are the registry's, its members vote; each signed by the
session's key and verified by the dossier."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from models.credentials import unb64
from support.calendars import calendar_for
from tests.api.helpers import state_of, wait_for_stage
from tests.web.conftest import Site
from tests.web.test_actions import at_reception, send, session_with_key
from tests.workflows import harness
from tests.workflows.test_council import CHAIR, EXPERTS, appointment

COUNCIL = [
    "tnmt.specialist",
    "tnmt.head",
    "tnmt.director",
    "tnmt.deputy",
    "hd.expert-1",
    "hd.expert-2",
    "hd.expert-3",
]


async def prepare(
    http: httpx.AsyncClient, csrf: str, code: str, **fields: str | list[str]
) -> httpx.Response:
    return await http.post(f"/dossiers/{code}/actions/prepare", data={"csrf": csrf, **fields})


async def signed_and_sent(
    http: httpx.AsyncClient, csrf: str, code: str, key: Ed25519PrivateKey, answer: httpx.Response
) -> httpx.Response:
    assert answer.status_code == 200, answer.text
    message = unb64(answer.json()["message"])
    return await send(http, csrf, code, message, key.sign(message))


async def test_an_apology_sets_a_working_day_after_the_due_date_once(site: Site) -> None:
    code = await at_reception(site)
    handle = site.api.env.client.get_workflow_handle(code)
    await harness.act(handle, harness.officers()["xa.reception"], "accept")
    state = await wait_for_stage(site.api, code, "review")
    assert state.due_date is not None
    calendar = calendar_for(state.submitted_at, site.settings)
    day_off = state.due_date + timedelta(days=1)
    while calendar.is_working_day(day_off):
        day_off += timedelta(days=1)
    working = calendar.next_working_day(day_off)
    key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "xa.civil-status", key) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert 'value="apologize"' in page.text and 'type="date" id="new_due_date"' in page.text
        reason = "Chờ xác minh thông tin hộ tịch tại xã khác"
        refused = await prepare(
            http, csrf, code, action="apologize", comment=reason, new_due_date=day_off.isoformat()
        )
        assert refused.status_code == 422
        assert refused.json()["field"] == "new_due_date"
        assert "là ngày nghỉ" in refused.json()["detail"]
        assert working.strftime("%d/%m/%Y") in refused.json()["detail"], "a working day suggested"
        too_soon = await prepare(
            http,
            csrf,
            code,
            action="apologize",
            comment=reason,
            new_due_date=state.due_date.strftime("%d/%m/%Y"),
        )
        assert too_soon.status_code == 422 and "phải sau ngày hẹn trả" in too_soon.json()["detail"]
        assert (await state_of(site.api, code)).apology is None, "nothing recorded"

        answer = await prepare(
            http, csrf, code, action="apologize", comment=reason, new_due_date=working.isoformat()
        )
        done = await signed_and_sent(http, csrf, code, key, answer)
        assert done.status_code == 200, done.text
        after = await state_of(site.api, code)
        assert after.due_date == working and after.apology is not None
        page = await http.get(f"/dossiers/{code}")
        assert "hẹn lần đầu" in page.text and working.strftime("%d/%m/%Y") in page.text
        assert 'value="apologize"' not in page.text, "the new date is set once"


async def at_council(site: Site) -> str:
    procedure = harness.procedure("council")
    handle = await harness.start(site.api.env.client, site.api.queue, harness.submission("council"))
    for stage in ("reception", "specialist"):
        await wait_for_stage(site.api, handle.id, stage)
        await harness.act(
            handle,
            harness.assignee(procedure, stage),
            "accept" if stage == "reception" else "approve",
        )
    await wait_for_stage(site.api, handle.id, "council")
    return handle.id


async def test_the_council_is_convened_from_the_registry_and_its_members_vote(site: Site) -> None:
    code = await at_council(site)
    key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "tnmt.head", key) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert 'value="convene"' in page.text
        for member in COUNCIL:
            assert f'name="members" value="{member}"' in page.text
        unknown = await prepare(
            http, csrf, code, action="convene", members=[*COUNCIL, "no.such"], chair="tnmt.director"
        )
        assert unknown.status_code in (409, 422) and "no.such" in unknown.text
        assert 'value="tnmt.portal"' not in page.text, "a portal account is no candidate"
        machine = await prepare(
            http,
            csrf,
            code,
            action="convene",
            members=[*COUNCIL, "tnmt.portal"],
            chair="tnmt.director",
        )
        assert machine.status_code in (409, 422)
        assert "tnmt.portal is a portal account, not a person" in machine.text
        answer = await prepare(
            http, csrf, code, action="convene", members=COUNCIL, chair="tnmt.director"
        )
        message = unb64(answer.json()["message"])
        assert b'"expert":true' in message, "experts as the registry names them"
        done = await send(http, csrf, code, message, key.sign(message))
        assert done.status_code == 200, done.text
    state = await state_of(site.api, code)
    assert state.councils and state.councils[-1].chair == "tnmt.director"

    async with session_with_key(site, "hd.expert-1", key) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        for vote in ("pass", "pass_with_revisions", "fail"):
            assert f'value="{vote}"' in page.text
        answer = await prepare(http, csrf, code, action="pass", comment="Đạt yêu cầu")
        done = await signed_and_sent(http, csrf, code, key, answer)
        assert done.status_code == 200, done.text
        page = await http.get(f"/dossiers/{code}")
        assert 'value="pass"' not in page.text, "a member votes once"
    state = await state_of(site.api, code)
    assert [v.member for v in state.councils[-1].votes] == ["hd.expert-1"]


async def worklist_row(http: httpx.AsyncClient, code: str, present: bool) -> str:
    """The worklist page's row of `code` (or "" once it is gone), when the projection has
    caught up (at most 30 s)."""
    for _ in range(100):
        page = (await http.get("/worklist")).text
        row = page.split(f">{code}</a>")[1].split("</tr>")[0] if f">{code}</a>" in page else ""
        if bool(row) == present:
            return row
        await asyncio.sleep(0.3)
    raise AssertionError(f"{code} {'never' if present else 'still'} on the worklist")


async def test_the_chair_concludes_the_council_early_once_a_quorum_has_voted(site: Site) -> None:
    code = await at_council(site)
    handle = site.api.env.client.get_workflow_handle(code)
    convener = harness.assignee(harness.procedure("council"), "council")
    await harness.act(handle, convener, "convene", council=appointment())
    key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "hd.expert-1", key) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert 'value="pass"' in page.text and 'value="conclude"' not in page.text, "not the chair"
    async with session_with_key(site, CHAIR, key) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert 'value="conclude"' in page.text and "Kết luận của hội đồng" in page.text
        early = await signed_and_sent(
            http, csrf, code, key, await prepare(http, csrf, code, action="conclude")
        )
        assert early.status_code == 422 and "no quorum yet" in early.json()["detail"]
        for member in ["tnmt.specialist", "xd.specialist", "huyen.officer", *EXPERTS[:2]]:
            await harness.act(
                handle,
                harness.officers()[member],
                "pass_with_revisions",
                comment=f"Ý kiến của {member}",
            )
        unvoted = await signed_and_sent(
            http, csrf, code, key, await prepare(http, csrf, code, action="conclude")
        )
        assert unvoted.status_code == 422 and "the chair votes" in unvoted.json()["detail"]
        assert (await state_of(site.api, code)).councils[-1].outcome is None, "nothing decided"

        voted = await signed_and_sent(
            http, csrf, code, key, await prepare(http, csrf, code, action="pass")
        )
        assert voted.status_code == 200, voted.text
        page = await http.get(f"/dossiers/{code}")
        assert 'value="conclude"' in page.text, "the chair who voted may still conclude"
        row = await worklist_row(http, code, present=True)
        assert "Kết luận hội đồng" in row, "the council waits for its chair's conclusion"
        answer = await prepare(
            http, csrf, code, action="conclude", comment="Chỉnh sửa theo ý kiến các thành viên"
        )
        done = await signed_and_sent(http, csrf, code, key, answer)
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "awaiting_supplement"
        assert await worklist_row(http, code, present=False) == "", "concluded: off the list"
    state = await state_of(site.api, code)
    council = state.councils[-1]
    assert council.outcome == "pass_with_revisions" and len(council.votes) == 6
    assert any(a.action == "conclude" and a.actor == CHAIR for a in state.actions)
