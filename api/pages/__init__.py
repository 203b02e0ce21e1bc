"""hoso's web pages, served by the API's app over the same operations and authorisation:
officers sign in, read their worklist and dossiers, work at the counter; operators their
dashboard, search and the catalogue; citizens follow their dossier and book a
time at the counter."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from api.pages import (
    booking,
    booking_manage,
    catalogue,
    counter,
    counter_booking,
    counter_queue,
    dashboard,
    desk,
    dossier,
    follow,
    guard,
    operator_search,
    retry,
    signin,
    signin_sso,
    unstick,
    webhook_replays,
    webhook_subscribers,
    worklist,
)
from api.pages.static import Assets
from support.session_keys import web_issuer

STATIC = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI) -> None:
    for router in (
        signin,
        signin_sso,
        worklist,
        dossier,
        desk,
        counter,
        counter_queue,
        counter_booking,
        follow,
        booking,
        booking_manage,
        dashboard,
        operator_search,
        catalogue,
        retry,
        unstick,
        webhook_replays,
        webhook_subscribers,
    ):
        app.include_router(router.router)
    app.mount("/static", Assets(directory=STATIC), name="static")
    guard.install_handlers(app)
    settings = app.state.services.settings
    if settings.environment == "development":
        web_issuer(settings)  # made now, before the dossiers that are to trust it start
