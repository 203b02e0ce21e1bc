"""Searching dossiers (`hoso list`) through the API: the filters, the caller's reach, pages with
a cursor, the count."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from tests.api.conftest import Api
from tests.api.helpers import submitted
from tests.api.test_submission import assert_problem


async def find(api: Api, officer: str, **params: object) -> dict:
    response = await api.http.get(f"/api/v1/dossiers?{urlencode(params)}", auth=api.auth(officer))
    assert response.status_code == 200, response.text
    return response.json()


async def until_found(api: Api, officer: str, codes: set[str], **params: object) -> dict:
    deadline = asyncio.get_running_loop().time() + 20
    while True:  # visibility is eventually consistent
        page = await find(api, officer, **params)
        if codes <= {item["code"] for item in page["items"]}:
            return page
        assert asyncio.get_running_loop().time() < deadline, page
        await asyncio.sleep(0.3)


async def test_officers_find_their_agencys_dossiers_and_operators_their_scope(api: Api) -> None:
    code = await submitted(api)
    page = await until_found(api, "xa.chairman", {code}, status="received", procedure="2.000635")
    item = next(i for i in page["items"] if i["code"] == code)
    assert item["agency"] == "ubnd-xa" and item["stage"] == "reception"
    assert "applicant" not in str(page)
    await until_found(api, "ops.operator", {code}, agency="ubnd-xa", size=1000)
    other = await find(api, "tnmt.specialist", size=1000)
    asked_for = await find(api, "tnmt.specialist", agency="ubnd-xa", size=1000)
    assert code not in {i["code"] for i in other["items"] + asked_for["items"]}
    assert all(i["agency"] == "so-tnmt" for i in other["items"])


async def test_search_pages_with_a_cursor_and_counts_what_it_would_list(api: Api) -> None:
    codes = {await submitted(api) for _ in range(3)}
    filters = {"procedure": "2.000635", "status": "received"}
    await until_found(api, "xa.reception", codes, size=1000, **filters)
    seen: list[str] = []
    cursor: dict[str, str] = {}
    for _ in range(200):
        page = await find(api, "xa.reception", size=1, **filters, **cursor)
        assert len(page["items"]) <= 1
        seen += [i["code"] for i in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = {"cursor": page["next_cursor"]}
    assert codes <= set(seen) and len(seen) == len(set(seen))
    counted = await api.http.get(
        f"/api/v1/dossiers/count?{urlencode(filters)}", auth=api.auth("xa.reception")
    )
    assert counted.status_code == 200, counted.text
    assert counted.json()["count"] >= len(codes)


async def test_bad_filters_and_cursors_are_400_and_unsigned_is_401(api: Api) -> None:
    bad = await api.http.get("/api/v1/dossiers?status=nonsense", auth=api.auth("xa.reception"))
    assert "--status 'nonsense'" in assert_problem(bad, 400, "invalid-filter")["detail"]
    injected = await api.http.get(
        "/api/v1/dossiers?" + urlencode({"agency": "x' OR '1'='1"}), auth=api.auth("ops.operator")
    )
    assert_problem(injected, 400, "invalid-filter")
    cursor = await api.http.get("/api/v1/dossiers?cursor=!!!", auth=api.auth("xa.reception"))
    assert_problem(cursor, 400, "invalid-cursor")
    assert_problem(await api.http.get("/api/v1/dossiers"), 401, "unauthenticated")
