"""A dossier's timeline on its page reads in domain words: Vietnamese with the catalogue's names
of stages, units and forms; English through the browser's language."""

from __future__ import annotations

import re

from tests.api.helpers import wait_for_stage
from tests.web.conftest import Site
from tests.web.test_actions import at_reception, session_with_key
from tests.workflows import harness


def timeline_of(html: str) -> str:
    found = re.search(
        r'<section class="card" aria-labelledby="h-timeline">(.*?)</section>', html, re.S
    )
    assert found, "the page has a timeline"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


async def test_the_timeline_is_told_in_vietnamese_and_in_english(site: Site) -> None:
    code = await at_reception(site)
    handle = site.api.env.client.get_workflow_handle(code)
    await harness.act(handle, harness.officers()["xa.reception"], "accept")
    await wait_for_stage(site.api, code, "review")
    async with session_with_key(site, "xa.civil-status", None) as (http, _):
        told = timeline_of((await http.get(f"/dossiers/{code}")).text)
        for words in (
            "Nộp hồ sơ",
            "Tiếp nhận xa.reception (Cán bộ một cửa,",
            "→ Đang giải quyết, Thẩm định hồ sơ",
            "[đã ký, khóa",
            "Phiếu tiếp nhận và hẹn trả kết quả (mẫu 01)",
            "Đã tiếp nhận, hẹn ngày trả → người nộp",
            "Tiếp nhận hồ sơ: 0 ngày làm việc",
        ):
            assert words in told, (words, told)
        for english in ("receipt_issued", "working days", "[signed", "in_review", "stage_assigned"):
            assert english not in told, (english, told)

        english = timeline_of(
            (await http.get(f"/dossiers/{code}", headers={"Accept-Language": "en"})).text
        )
        for words in (
            "Receipt with appointment date (form 01)",
            "Received, appointment date set → the applicant",
            "→ In review,",
            "[signed, token",
        ):
            assert words in english, (words, english)
