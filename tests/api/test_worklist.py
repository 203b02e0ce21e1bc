"""The worklist: the dossiers waiting for the caller, filtered and paged."""

from __future__ import annotations

import asyncio

from tests.api.conftest import Api
from tests.api.helpers import submitted
from tests.api.test_submission import assert_problem


async def _worklist(api: Api, officer: str, query: str = "") -> dict:
    response = await api.http.get(f"/api/v1/worklist{query}", auth=api.auth(officer))
    assert response.status_code == 200, response.text
    return response.json()


async def _until_listed(api: Api, officer: str, codes: set[str], query: str = "") -> dict:
    deadline = asyncio.get_running_loop().time() + 20
    while True:
        page = await _worklist(api, officer, query)
        if codes <= {item["code"] for item in page["items"]}:
            return page
        assert asyncio.get_running_loop().time() < deadline, page
        await asyncio.sleep(0.3)


async def test_a_dossier_at_reception_waits_for_the_reception_officer_only(api: Api) -> None:
    code = await submitted(api)
    page = await _until_listed(api, "xa.reception", {code}, "?status=received&procedure=2.000635")
    item = next(i for i in page["items"] if i["code"] == code)
    assert item["waiting"] == "stage" and item["stage"] == "reception"
    chairman = await _worklist(api, "xa.chairman")
    assert code not in {i["code"] for i in chairman["items"]}
    other = await _worklist(api, "tnmt.reception")
    assert code not in {i["code"] for i in other["items"]}


async def test_the_worklist_pages_with_a_cursor(api: Api) -> None:
    codes = {await submitted(api) for _ in range(3)}
    await _until_listed(api, "xa.reception", codes, "?size=200")
    seen: list[str] = []
    cursor = ""
    for _ in range(20):
        page = await _worklist(api, "xa.reception", f"?size=1{cursor}")
        assert len(page["items"]) <= 1
        seen += [i["code"] for i in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert codes <= set(seen) and len(seen) == len(set(seen))


async def test_bad_filters_and_cursors_are_400_or_422(api: Api) -> None:
    bad = await api.http.get("/api/v1/worklist?status=nonsense", auth=api.auth("xa.reception"))
    assert_problem(bad, 400, "invalid-filter")
    cursor = await api.http.get("/api/v1/worklist?cursor=!!!", auth=api.auth("xa.reception"))
    assert_problem(cursor, 400, "invalid-cursor")
    size = await api.http.get("/api/v1/worklist?size=0", auth=api.auth("xa.reception"))
    body = assert_problem(size, 422, "invalid-request")
    assert body["errors"][0]["pointer"] == "size"
