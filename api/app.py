"""The HTTP API's application: `create_app(settings)` wires the routers, the limits and the
problem handlers over one set of services (database, document store, Temporal client)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from temporalio.client import Client

from api import (
    action_documents,
    appointments,
    calendar,
    counter,
    documents,
    dossiers,
    forms,
    health,
    operators,
    pages,
    payments,
    procedures,
    public,
    publications,
    refusals,
    reports,
    search,
    submissions,
    tokens,
    webhooks,
    worklist,
)
from api.limits import BodyLimit
from api.problems import install
from api.rate_limits import RateLimits
from api.responses import problem_contract
from config import Settings
from operations.services import Services

API_VERSION = "1"


def create_app(settings: Settings, *, client: Client | None = None) -> FastAPI:
    """The API over the settings' database and document store; `client` when the caller has one
    already (tests, `hoso up`), else one connected on first need."""
    app = FastAPI(
        title="hoso",
        version=API_VERSION,
        summary="Administrative dossiers (hồ sơ) at one-stop departments",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    services = Services.from_settings(settings, client)
    app.state.services = services
    app.state.rate_limits = RateLimits(settings)
    app.state.private_paths = tuple(
        str(path.resolve()) for path in (settings.resolved_document_dir, settings.data_dir)
    )
    for router in (
        health,
        procedures,
        publications,
        submissions,
        search,
        dossiers,
        action_documents,
        documents,
        calendar,
        forms,
        worklist,
        reports,
        operators,
        refusals,
        tokens,
        webhooks,
        public,
        payments,
        appointments,
        counter,
    ):
        app.include_router(router.router)
    pages.install(app)
    install(app)
    _contract(app)
    app.add_middleware(
        BodyLimit,
        max_request=settings.api_max_request_bytes,
        max_dossier=settings.api_max_dossier_bytes,
    )
    return app


def _contract(app: FastAPI) -> None:
    """The app's OpenAPI document with its errors as the app answers them (problem details)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problem_contract(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def openapi_document(app: FastAPI) -> str:
    """The OpenAPI document as committed in api/openapi.json."""
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
