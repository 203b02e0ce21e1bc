"""Health, readiness, the public catalogue and the committed OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.app import create_app, openapi_document
from config import Settings
from tests.api.conftest import EXTRACT, Api
from tests.api.test_submission import assert_problem

COMMITTED = Path(__file__).resolve().parents[2] / "api" / "openapi.json"


async def test_health_and_readiness(api: Api) -> None:
    assert (await api.http.get("/healthz")).json() == {
        "status": "ok",
        "temporal": None,
        "database": None,
    }
    ready = await api.http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready", ready.text


async def test_not_ready_without_temporal(settings: Settings) -> None:
    lost = settings.model_copy(update={"temporal_address": "127.0.0.1:1"})
    transport = httpx.ASGITransport(app=create_app(lost))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        assert (await http.get("/healthz")).status_code == 200
        ready = await http.get("/readyz")
    assert ready.status_code == 503 and ready.json()["temporal"] == "unavailable"


async def test_the_catalogue_is_public(api: Api) -> None:
    listed = await api.http.get("/api/v1/procedures")
    assert listed.status_code == 200
    assert EXTRACT in {p["code"] for p in listed.json()}
    one = await api.http.get(f"/api/v1/procedures/{EXTRACT}")
    assert one.status_code == 200
    body = one.json()
    assert body["chain"][0]["kind"] == "reception" and body["documents"] and "fee" in body
    assert_problem(await api.http.get("/api/v1/procedures/9.9.9"), 404, "not-found")


async def test_the_openapi_document_is_served_and_committed_as_the_app_makes_it() -> None:
    app = create_app(Settings())
    assert COMMITTED.read_text(encoding="utf-8") == openapi_document(app), (
        "api/openapi.json is stale: uv run hoso api openapi > api/openapi.json"
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        served = await http.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.json()["paths"]["/api/v1/worklist"]
