"""A dossier passed from officer to officer in a real browser (Debian's Chromium through
Playwright): the next stage's officer sees it arrive, a consulted agency objects with its reason;
and what is refused there: an expired session, another officer's session, a form without its
CSRF token. axe-core finds no serious or critical violation on the pages they see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from sqlmodel import select

from models.tables import WebSessionRecord
from support.calendars import calendar_for
from tests.api.helpers import state_of, wait_for_stage
from tests.web.browsing import chromium, look, new_page
from tests.web.conftest import PASSWORD, Site, next_code
from tests.web.test_apology_council_pages import COUNCIL, at_council
from tests.web.test_browser import sign_in_with_password, submit
from tests.workflows import harness

pytestmark = pytest.mark.browser
WORKLIST = "Hồ sơ chờ tôi xử lý"


async def enrolled(page: Page, site: Site, officer: str) -> None:
    """`officer` signs in for the first time: password, TOTP enrolment, the worklist."""
    site.set_password(officer)
    await sign_in_with_password(page, site, officer, PASSWORD)
    secret = (await page.locator("#totp-secret").inner_text()).strip()
    await page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(next_code(secret))
    await page.get_by_role("button", name="Xác nhận và đăng nhập").click()
    await expect(page.get_by_role("heading", name=WORKLIST)).to_be_visible()


async def sign_and_send(page: Page, action: str, comment: str = "") -> None:
    await page.get_by_role("radio", name=action, exact=True).check()
    if comment:
        await page.locator("#comment").fill(comment)
    await page.get_by_role("button", name="Ký và gửi").click()


async def at_review(site: Site) -> str:
    code, _ = await submit(site)
    handle = site.api.env.client.get_workflow_handle(code)
    await harness.act(handle, harness.officers()["xa.reception"], "accept")
    await wait_for_stage(site.api, code, "review")
    return code


async def test_an_approval_arrives_in_the_next_officers_worklist(site: Site, shots: Path) -> None:
    code = await at_review(site)
    async with chromium() as browser:
        async with new_page(browser) as page:
            await enrolled(page, site, "xa.civil-status")
            await page.get_by_role("link", name=code).click()
            await sign_and_send(page, "Đồng ý, chuyển bước")
            await expect(page.get_by_text("Chủ tịch Ủy ban nhân dân xã ký").first).to_be_visible()
            await look(page, shots, "1-approved")
        async with new_page(browser) as page:
            await enrolled(page, site, "xa.chairman")
            row = page.get_by_role("row").filter(has=page.get_by_role("link", name=code))
            await expect(row).to_be_visible()
            await look(page, shots, "2-next-officers-worklist")
            await row.get_by_role("link", name=code).click()
            await expect(page.get_by_role("heading", name="Xử lý hồ sơ")).to_be_visible()
            await look(page, shots, "3-next-officers-dossier")
    assert (await state_of(site.api, code)).stage == "decide"


async def test_a_consulted_agency_objects_and_its_reason_is_on_the_page(
    site: Site, shots: Path
) -> None:
    permit = harness.procedure("permit")
    handle = await harness.start(site.api.env.client, site.api.queue, harness.submission("permit"))
    for stage in ("reception", "specialist"):
        await wait_for_stage(site.api, handle.id, stage)
        await harness.act(
            handle, harness.assignee(permit, stage), "accept" if stage == "reception" else "approve"
        )
    await wait_for_stage(site.api, handle.id, "consult")
    reason = "Lối thoát nạn tầng hầm không đủ chiều rộng theo QCVN 06:2022/BXD."
    async with chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "pccc.officer")
        await page.goto(f"{site.url}/dossiers/{handle.id}")
        concur = page.get_by_role("radio", name="Đồng ý (lấy ý kiến)", exact=True)
        await expect(concur).to_be_visible()
        await look(page, shots, "1-consulted")
        await sign_and_send(page, "Không đồng ý (lấy ý kiến)")
        await expect(page.get_by_role("status")).not_to_be_empty()  # a reason is required
        await sign_and_send(page, "Không đồng ý (lấy ý kiến)", reason)
        opinions = page.get_by_role("region", name="Ý kiến cơ quan được hỏi")
        await expect(opinions).to_contain_text(reason)
        await expect(opinions).to_contain_text("Cảnh sát")
        await look(page, shots, "2-objected")
    state = await state_of(site.api, handle.id)
    assert "canh-sat-pccc" not in state.awaiting_agencies


async def test_an_idle_session_is_sent_to_sign_in_and_its_action_is_not_taken(
    site: Site, shots: Path
) -> None:
    code, _ = await submit(site)
    async with chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "xa.reception")
        await page.goto(f"{site.url}/dossiers/{code}")
        await page.get_by_role("radio", name="Tiếp nhận", exact=True).check()
        idle = datetime.now(UTC) - timedelta(minutes=site.settings.web_idle_minutes + 1)
        with site.api.sessions() as session:
            for record in session.exec(
                select(WebSessionRecord).where(WebSessionRecord.officer_id == "xa.reception")
            ):
                record.last_seen_at = idle
                session.add(record)
            session.commit()
        await page.get_by_role("button", name="Ký và gửi").click()
        await expect(page.get_by_role("heading", name="Đăng nhập cán bộ")).to_be_visible()
        await look(page, shots, "sent-to-sign-in")
        await page.goto(f"{site.url}/dossiers/{code}")
        await expect(page.get_by_role("heading", name="Đăng nhập cán bộ")).to_be_visible()
    assert (await state_of(site.api, code)).stage == "reception", "nothing was done"


async def test_another_officers_session_and_a_form_without_csrf_are_refused(
    site: Site, shots: Path
) -> None:
    code, _ = await submit(site)
    async with chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "tnmt.reception")  # another agency's reception officer
        csrf = await page.locator("input[name=csrf]").first.input_value()
        page_answer = await page.goto(f"{site.url}/dossiers/{code}")
        assert page_answer is not None and page_answer.status == 404
        await expect(page.get_by_text("Nguyễn Văn A")).to_have_count(0)
        await look(page, shots, "1-another-officers-dossier")
        prepared = await page.request.post(
            f"{site.url}/dossiers/{code}/actions/prepare",
            form={"action": "accept", "csrf": csrf},
        )
        assert prepared.status == 404, "another officer cannot even prepare an action"

    async with chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "xa.reception")
        await page.goto(f"{site.url}/dossiers/{code}")
        without = await page.request.post(
            f"{site.url}/dossiers/{code}/actions/prepare", form={"action": "accept"}
        )
        assert without.status == 403, "a form without the session's CSRF token"
        forged = await page.request.post(
            f"{site.url}/dossiers/{code}/actions",
            form={"csrf": "x" * 43, "message": "e30", "signature": "AA"},
        )
        assert forged.status == 403, "a form with another token"
        assert "Biểu mẫu đã hết hạn" in await forged.text()
    assert (await state_of(site.api, code)).stage == "reception", "nothing was done"


async def test_an_operator_signs_a_retry_in_the_browser(site: Site, shots: Path) -> None:
    code, _ = await submit(site)
    async with chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "ops.operator")
        await page.goto(f"{site.url}/dossiers/{code}")
        retry = page.get_by_role("region", name="Thử lại các tác vụ lỗi")
        await retry.get_by_label("Đã sửa gì (ghi vào hồ sơ)").fill("máy chủ thư đã chạy lại")
        await retry.get_by_role("button", name="Ký và thử lại").click()
        await expect(retry.get_by_role("status")).to_have_text(
            "Đã ghi vào hồ sơ; không có tác vụ nào đang lỗi."
        )
        await look(page, shots, "1-retry-signed")
        await page.reload()
        timeline = page.get_by_role("region", name="Quá trình xử lý")
        await expect(timeline).to_contain_text("Yêu cầu chạy lại tác vụ lỗi")
        await expect(timeline).to_contain_text("máy chủ thư đã chạy lại")


async def test_an_apology_refuses_a_day_off_beside_the_date_and_sets_a_working_day(
    site: Site, shots: Path
) -> None:
    code = await at_review(site)
    state = await state_of(site.api, code)
    assert state.due_date is not None
    calendar = calendar_for(state.submitted_at, site.settings)
    day_off = calendar.next_working_day(state.due_date + timedelta(days=1))  # the picker's min
    while calendar.is_working_day(day_off):
        day_off += timedelta(days=1)
    working = calendar.next_working_day(day_off)
    async with chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "xa.civil-status")
        await page.goto(f"{site.url}/dossiers/{code}")
        await page.get_by_role("radio", name="Xin lỗi, hẹn lại ngày trả").check()
        date_field = page.get_by_label("Ngày hẹn trả mới (khi xin lỗi): một ngày làm việc")
        await date_field.fill(day_off.isoformat())
        await page.locator("#comment").fill("Chờ xác minh thông tin tại xã khác")
        await page.get_by_role("button", name="Ký và gửi").click()
        beside = page.locator("#new_due_date-error")
        await expect(beside).to_contain_text("là ngày nghỉ")
        await expect(beside).to_contain_text(working.strftime("%d/%m/%Y"))
        await expect(date_field).to_have_attribute("aria-invalid", "true")
        await look(page, shots, "1-day-off-refused")
        assert (await state_of(site.api, code)).apology is None, "nothing recorded"

        await date_field.fill(working.isoformat())
        await page.get_by_role("button", name="Ký và gửi").click()
        await expect(page.get_by_text("hẹn lần đầu")).to_be_visible()
        await look(page, shots, "2-apology-signed")
    assert (await state_of(site.api, code)).due_date == working


async def test_a_council_is_convened_and_a_member_votes_in_the_browser(
    site: Site, shots: Path
) -> None:
    code = await at_council(site)
    async with chromium() as browser:
        async with new_page(browser) as page:
            await enrolled(page, site, "tnmt.head")
            await page.goto(f"{site.url}/dossiers/{code}")
            await page.get_by_role("radio", name="Thành lập hội đồng thẩm định").check()
            council = page.get_by_role("group", name="Hội đồng thẩm định", exact=False)
            for member in COUNCIL:
                await council.locator(f"input[name=members][value='{member}']").check()
            await council.locator("input[name=chair][value='tnmt.director']").check()
            await look(page, shots, "1-convening")
            await page.get_by_role("button", name="Ký và gửi").click()
            timeline = page.get_by_role("region", name="Quá trình xử lý")
            await expect(timeline).to_contain_text("Thành lập hội đồng thẩm định")
        async with new_page(browser) as page:
            await enrolled(page, site, "hd.expert-2")
            await expect(page.get_by_role("link", name=code)).to_be_visible()
            await page.get_by_role("link", name=code).click()
            await sign_and_send(
                page, "Thông qua, cần chỉnh sửa", "Bổ sung phương án xử lý nước thải"
            )
            timeline = page.get_by_role("region", name="Quá trình xử lý")
            await expect(timeline).to_contain_text("Thông qua, cần chỉnh sửa")
            await look(page, shots, "2-voted")
    votes = (await state_of(site.api, code)).councils[-1].votes
    assert [(v.member, v.verdict) for v in votes] == [("hd.expert-2", "pass_with_revisions")]
